package io.doppel.block.nbd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real client program with a deadline, waits for it, and captures its output. */
final class ProcessRunner {
  private ProcessRunner() {}

  record Result(int exitCode, String output) {}

  static Result run(Path workDir, long timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(workDir, "proc", ".log");
    ProcessBuilder pb = new ProcessBuilder(List.of(command));
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("PATH", "/usr/bin:/bin:" + System.getenv("PATH"));
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          String.join(" ", command) + " timed out; output:\n" + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
