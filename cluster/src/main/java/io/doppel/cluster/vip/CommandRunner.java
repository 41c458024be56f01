package io.doppel.cluster.vip;

import java.time.Duration;
import java.util.List;

/**
 * Runs an external command (ip, arping, a fencing hook) with a time limit. Production uses {@link
 * ProcessCommandRunner}; tests substitute a recording fake.
 */
@FunctionalInterface
public interface CommandRunner {
  /**
   * Runs {@code argv} and waits at most {@code timeout}; a command still running then is killed.
   *
   * @param environment extra environment variables for the child
   */
  Result run(List<String> argv, java.util.Map<String, String> environment, Duration timeout);

  /**
   * How a command ended.
   *
   * @param exitCode the exit status, or -1 when it timed out or could not start
   * @param output the first few KiB of its combined stdout and stderr (for the log)
   */
  record Result(int exitCode, boolean timedOut, String output) {
    public boolean ok() {
      return exitCode == 0 && !timedOut;
    }
  }
}
