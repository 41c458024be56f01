package io.doppel.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * STYLE.md: core code takes time and randomness as parameters, so the simulation drives the same
 * classes production runs. Only the production runners in {@code transport} touch threads.
 */
class CoreIsDeterministicTest {
  private static final Pattern FORBIDDEN =
      Pattern.compile(
          "System\\.nanoTime|System\\.currentTimeMillis|Instant\\.now|new Random\\(|"
              + "Thread\\.sleep|new Thread\\(|UUID\\.randomUUID|ThreadLocalRandom");

  @Test
  void coreNeverReadsTheClockOrMakesThreads() throws IOException {
    Path main = Path.of("src/main/java/io/doppel/replication");
    List<String> offenders;
    try (Stream<Path> files = Files.walk(main)) {
      offenders =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> !p.toString().contains("/transport/"))
              .filter(p -> FORBIDDEN.matcher(read(p)).find())
              .map(Path::toString)
              .toList();
    }
    assertThat(offenders).isEmpty();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
