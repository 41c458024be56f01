package io.doppel.it.style;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * STYLE.md, "Threads": core code takes its clock, randomness and threads as constructor parameters,
 * so the same classes run under the deterministic simulation and in production. Core modules may
 * call the real sources only on a line marked {@code // forbidden-apis: allowed (reason)} — the one
 * place in a module that adapts the real world (a system clock, a runner). {@code server} wires, so
 * it is exempt; so are tests.
 */
class ForbiddenApiTest {
  private static final List<String> CORE_MODULES =
      List.of("metrics", "rpc", "fs", "nfs", "block", "replication", "cluster");

  private static final Pattern FORBIDDEN =
      Pattern.compile(
          "System\\.nanoTime\\(|System\\.currentTimeMillis\\(|Thread\\.sleep\\(|new Thread\\("
              + "|UUID\\.randomUUID\\(|new Random\\(|System\\.getProperty\\(|System\\.getenv\\(");

  private static final String ALLOW_MARK = "forbidden-apis: allowed";

  @Test
  void coreModulesTakeClockRandomnessAndThreadsAsParameters() throws IOException {
    Path root = Path.of(System.getProperty("doppel.home", "..")).toAbsolutePath().normalize();
    List<String> violations = new ArrayList<>();
    for (String module : CORE_MODULES) {
      Path src = root.resolve(module).resolve("src/main/java");
      if (!Files.isDirectory(src)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(src)) {
        for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          collect(root, file, violations);
        }
      }
    }
    assertThat(violations)
        .as("inject a clock / RandomGenerator / executor instead (STYLE.md, Threads)")
        .isEmpty();
  }

  @Test
  void theCheckFindsAViolation() {
    assertThat(FORBIDDEN.matcher("long t = System.nanoTime();").find()).isTrue();
    assertThat(FORBIDDEN.matcher("long t = clock.nanoTime();").find()).isFalse();
  }

  private static void collect(Path root, Path file, List<String> violations) throws IOException {
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (FORBIDDEN.matcher(line).find() && !line.contains(ALLOW_MARK)) {
        violations.add(root.relativize(file) + ":" + (i + 1) + ": " + line.strip());
      }
    }
  }
}
