package io.doppel.server.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code doppel volume create NAME --size SIZE --path P} (ISSUE3 "Volumes are sparse image files
 * ... created and sized from config or CLI"): an offline tool that creates an unmirrored volume's
 * sparse image file and prints the {@code [[volumes]]} table to add to the config. It never touches
 * an existing file: overwriting would lose its data and shrinking would cut it off.
 */
@Command(
    name = "create",
    description =
        "Creates a sparse image file for an unmirrored volume (offline; never overwrites).",
    mixinStandardHelpOptions = true)
final class VolumeCreateCommand implements Callable<Integer> {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "The export name ([A-Za-z0-9._-]).")
  String name;

  @Option(
      names = "--size",
      required = true,
      paramLabel = "SIZE",
      description = "Size like 10G, 512M, 1073741824 (a multiple of 512 bytes).")
  String size;

  @Option(names = "--path", required = true, paramLabel = "FILE", description = "The image file.")
  Path path;

  @Override
  public Integer call() {
    if (!NAME.matcher(name).matches()) {
      return usage("NAME: expected 1..64 of [A-Za-z0-9._-], got \"" + name + "\"");
    }
    long bytes = parseSize(size);
    if (bytes <= 0 || bytes % 512 != 0) {
      return usage("--size: expected a positive multiple of 512 bytes like 10G, got " + size);
    }
    try {
      if (Files.exists(path)) {
        long existing = Files.size(path);
        return fail(
            existing > bytes
                ? path + " exists and is larger (" + existing + " bytes); refusing to shrink it"
                : path + " already exists (" + existing + " bytes); refusing to overwrite it");
      }
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.createFile(path); // fails if a concurrent create won: never overwrite
      try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
        f.setLength(bytes); // sparse: no blocks are allocated
      }
    } catch (IOException e) {
      return fail("cannot create " + path + ": " + CliMessages.describe(e));
    }
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "created %s (%d bytes, sparse); add to the config:%n%n"
                + "[[volumes]]%nname = \"%s\"%npath = \"%s\"%nsize = %d%n",
            path,
            bytes,
            name,
            path.toAbsolutePath(),
            bytes);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  /** Bytes for {@code 1048576}, {@code 64M}, {@code 10GiB} (units of 1024), or -1. */
  static long parseSize(String text) {
    try {
      return io.doppel.server.config.ByteSize.parse(text);
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  private int usage(String message) {
    spec.commandLine().getErr().println("doppel: volume create: " + message);
    spec.commandLine().getErr().flush();
    return ExitCodes.CONFIG;
  }

  private int fail(String message) {
    spec.commandLine().getErr().println("doppel: volume create: " + message);
    spec.commandLine().getErr().flush();
    return ExitCodes.FAILED;
  }
}
