package io.doppel.rpc;

import java.util.List;

/** The caller's credential from the RPC call header (RFC 5531 §8.2, Appendix A). */
public sealed interface Credential {

  /** AUTH_NONE (flavor 0). */
  record None() implements Credential {}

  /**
   * AUTH_SYS (flavor 1): the client's claim of identity, trusted only as far as export rules allow.
   * {@code gids} holds at most 16 supplementary groups, as RFC 5531 bounds them.
   */
  record Sys(int stamp, String machineName, int uid, int gid, List<Integer> gids)
      implements Credential {
    public Sys {
      gids = List.copyOf(gids);
    }
  }
}
