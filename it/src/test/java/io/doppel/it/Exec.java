package io.doppel.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a child process with a deadline; output goes to temp files so pipes never block. */
public final class Exec {
  private Exec() {}

  /** Runs {@code command}; on timeout kills it (SIGKILL), reaps it, and returns exit code -1. */
  public static ExecResult run(Duration timeout, List<String> command) throws IOException {
    Path out = Files.createTempFile("doppel-it-exec", ".out");
    Path err = Files.createTempFile("doppel-it-exec", ".err");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      int code;
      try {
        code = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? p.exitValue() : -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        code = -1;
      } finally {
        if (p.isAlive()) {
          p.destroyForcibly();
        }
        waitQuietly(p);
      }
      return new ExecResult(
          command, code, Files.readAllBytes(out), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Waits for a process we started (PID 1 here does not reap orphans). */
  static void waitQuietly(Process p) {
    boolean interrupted = false;
    while (true) {
      try {
        p.waitFor();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
