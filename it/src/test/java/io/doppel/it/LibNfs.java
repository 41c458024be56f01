package io.doppel.it;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The libnfs command-line clients (nfs-cp, nfs-ls, nfs-cat), NFSv3 over TCP with explicit ports.
 */
public final class LibNfs {
  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private final int port;
  private final String export;

  /** doppel serves MOUNT and NFS on the same port. */
  public LibNfs(int port, String export) {
    this.port = port;
    this.export = export;
  }

  /** URL of {@code path} (relative to the export, no leading slash; "" for the root). */
  public String url(String path) {
    return "nfs://127.0.0.1"
        + export
        + "/"
        + path
        + "?nfsport="
        + port
        + "&mountport="
        + port
        + "&version=3";
  }

  public ExecResult cp(String from, String to) throws IOException {
    return Exec.run(TIMEOUT, List.of("nfs-cp", from, to));
  }

  public ExecResult ls(String path) throws IOException {
    return Exec.run(TIMEOUT, List.of("nfs-ls", url(path)));
  }

  public ExecResult cat(String path) throws IOException {
    return Exec.run(TIMEOUT, List.of("nfs-cat", url(path)));
  }

  /** Names from nfs-ls output (its last column), without "." and "..". */
  public static List<String> names(ExecResult ls) {
    return ls.stdoutText()
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .map(l -> l.substring(l.lastIndexOf(' ') + 1))
        .filter(n -> !n.equals(".") && !n.equals(".."))
        .toList();
  }
}
