package io.doppel.server.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The libnfs command-line tools ({@code nfs-ls}, {@code nfs-cp}, {@code nfs-cat}): their URL format
 * and a way to run them with a deadline. Used by {@code doppel demo}'s self-check and by the
 * end-to-end tests.
 */
public final class NfsTools {
  private NfsTools() {}

  /** The output of one run. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /**
   * A libnfs URL that needs no portmapper: {@code nfs://HOST/EXPORT/PATH?nfsport=N&mountport=N
   * &version=3}. {@code path} is relative to the export ("" for its root directory).
   */
  public static String url(String host, String export, String path, int port) {
    String base = export.endsWith("/") ? export : export + "/";
    return "nfs://" + host + base + path + "?nfsport=" + port + "&mountport=" + port + "&version=3";
  }

  /** The tool on PATH (or in /usr/bin), if installed. */
  public static Optional<Path> find(String tool) {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Runs a command, killing it when it outlives {@code timeout}. */
  public static Result run(Duration timeout, List<String> command)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      p.waitFor();
      return new Result(-1, join(out), "timed out after " + timeout + "; " + join(err));
    }
    return new Result(p.exitValue(), join(out), join(err));
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        });
  }

  private static String join(CompletableFuture<String> f) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      return "";
    }
  }
}
