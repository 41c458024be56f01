package io.doppel.server.admin;

import java.util.Optional;

/**
 * The admin endpoint's commands ({@code POST /failover}, {@code POST /maintenance}), served by the
 * cluster wiring. A node without a cluster answers 404.
 */
public interface AdminActions {
  /** Moves the primary role of {@code resource} away from this node (to {@code to} if given). */
  Result failover(String resource, Optional<String> to);

  /** Maintenance mode on or off: hand every role over and refuse roles while on. */
  Result maintenance(boolean on);

  /** An HTTP status and a one-line message. */
  record Result(int status, String message) {}

  AdminActions NONE =
      new AdminActions() {
        @Override
        public Result failover(String resource, Optional<String> to) {
          return new Result(404, "this node has no [cluster] section");
        }

        @Override
        public Result maintenance(boolean on) {
          return new Result(404, "this node has no [cluster] section");
        }
      };
}
