package io.doppel.server.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The block half of {@code doppel demo}: the {@code nbd://} URI of the demo volume, commands to try
 * with the Debian NBD clients ({@code libnbd-bin}, {@code qemu-utils}) and a self-check with {@code
 * nbdinfo}.
 */
final class BlockDemo {
  private BlockDemo() {}

  /** The NBD URI (libnbd / qemu syntax) of volume {@code name}. */
  static String uri(String host, int port, String name) {
    return "nbd://" + host + ":" + port + "/" + name;
  }

  static String instructions(String host, int nbdPort, String volume) {
    String uri = uri(host, nbdPort, volume);
    return String.join(
        "\n",
        "  volume:  " + volume + " at " + uri + " (NBD, 256 MiB)",
        "",
        "Try (libnbd-bin, qemu-utils):",
        "  nbdinfo " + uri,
        "  qemu-io -f raw -c 'write -P 0x5a 0 1M' -c 'read -P 0x5a 0 1M' " + uri,
        "  head -c 64M /dev/urandom > /tmp/demo.bin && nbdcopy /tmp/demo.bin " + uri,
        "  nbdcopy " + uri + " /tmp/demo-copy.img",
        "  nbd-client " + host + " " + nbdPort + " /dev/nbd0 -N " + volume + "   (as root)",
        "",
        "");
  }

  /** Runs {@code nbdinfo --size} on the volume; describes the outcome. */
  static String selfCheck(String host, int nbdPort, String volume)
      throws IOException, InterruptedException {
    Optional<java.nio.file.Path> nbdinfo = NfsTools.find("nbdinfo");
    if (nbdinfo.isEmpty()) {
      return "nbd self-check: skipped (nbdinfo not installed; Debian: libnbd-bin)";
    }
    String uri = uri(host, nbdPort, volume);
    NfsTools.Result r =
        NfsTools.run(Duration.ofSeconds(20), List.of(nbdinfo.get().toString(), "--size", uri));
    if (!r.ok()) {
      return "nbd self-check: FAILED: nbdinfo exited " + r.exitCode() + ": " + r.stderr().strip();
    }
    return "nbd self-check: ok (nbdinfo reports " + r.stdout().strip() + " bytes for " + uri + ")";
  }

  /** Writes a 1 MiB pattern with {@code qemu-io} and reads it back verified; the outcome. */
  static String qemuCheck(String host, int nbdPort, String volume)
      throws IOException, InterruptedException {
    Optional<java.nio.file.Path> qemuIo = NfsTools.find("qemu-io");
    if (qemuIo.isEmpty()) {
      return "qemu-io self-check: skipped (qemu-io not installed; Debian: qemu-utils)";
    }
    String uri = uri(host, nbdPort, volume);
    NfsTools.Result r =
        NfsTools.run(
            Duration.ofSeconds(30),
            List.of(
                qemuIo.get().toString(),
                "-f",
                "raw",
                "-c",
                "write -P 0x5a 0 1M",
                "-c",
                "read -P 0x5a 0 1M",
                uri));
    String output = r.stdout() + r.stderr();
    if (!r.ok() || output.contains("failed") || !output.contains("read 1048576/1048576")) {
      return "qemu-io self-check: FAILED: exited " + r.exitCode() + ": " + output.strip();
    }
    return "qemu-io self-check: ok (wrote pattern 0x5a to the first 1 MiB and read it back)";
  }
}
