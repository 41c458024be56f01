package io.doppel.it;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Outcome of a finished (or timed-out and killed) child process. */
public record ExecResult(List<String> command, int exitCode, byte[] stdout, String stderr) {
  public String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    String out = stdoutText();
    return String.join(" ", command)
        + " -> exit "
        + exitCode
        + "\nstdout: "
        + (out.length() > 2000 ? out.substring(0, 2000) + "..." : out)
        + "\nstderr: "
        + stderr;
  }
}
