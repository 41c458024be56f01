package io.doppel.cluster.vip;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs commands with {@link ProcessBuilder}, stdin closed, output captured, killed on timeout. */
public final class ProcessCommandRunner implements CommandRunner {
  private static final int MAX_OUTPUT = 4096;

  @Override
  public Result run(List<String> argv, Map<String, String> environment, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(environment);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Result(-1, false, "cannot start: " + e.getMessage());
    }
    OutputDrain drain = new OutputDrain(p.getInputStream());
    Thread reader = Thread.ofVirtual().start(drain);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly); // a hook's own children too
        p.destroyForcibly();
        p.waitFor(1, TimeUnit.SECONDS);
        return new Result(-1, true, drain.text());
      }
      reader.join(1000);
      return new Result(p.exitValue(), false, drain.text());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Result(-1, true, "interrupted");
    }
  }

  /** Reads the child's output so it never blocks on a full pipe; keeps the first KiB. */
  private static final class OutputDrain implements Runnable {
    private final InputStream in;
    private final StringBuilder kept = new StringBuilder();

    OutputDrain(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buf = new byte[4096];
      try (in) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          synchronized (kept) {
            if (kept.length() < MAX_OUTPUT) {
              kept.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
          }
        }
      } catch (IOException e) {
        // the child went away: what we have is all there is
      }
    }

    String text() {
      synchronized (kept) {
        return kept.toString().strip();
      }
    }
  }
}
