package io.doppel.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * STYLE.md: core code takes time, randomness and threads from outside, or the simulation would not
 * be deterministic. Only the runtime shell ({@code ClusterNode}, {@code udp}) may touch them.
 */
class NoAmbientTimeTest {
  static final List<String> FORBIDDEN =
      List.of(
          "System.nanoTime",
          "System.currentTimeMillis",
          "Thread.sleep",
          "new Thread(",
          "new Random(",
          "UUID.randomUUID",
          "Instant.now",
          "ThreadLocalRandom");

  @Test
  void coreCodeHasNoAmbientTimeOrRandomness() throws IOException {
    Path root = Path.of("src/main/java/io/doppel/cluster");
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> core =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> !p.getFileName().toString().equals("ClusterNode.java"))
              .filter(p -> !p.toString().contains("/udp/"))
              .toList();
      assertThat(core).hasSizeGreaterThan(20);
      for (Path p : core) {
        String text = Files.readString(p);
        for (String f : FORBIDDEN) {
          assertThat(text).as("%s uses %s", p, f).doesNotContain(f);
        }
      }
    }
  }
}
