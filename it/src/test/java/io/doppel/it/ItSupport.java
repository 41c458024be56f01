package io.doppel.it;

import io.doppel.it.client.Nfs3Client;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base for integration tests: starts doppel processes in a per-test temp directory, prints their
 * log tails when the test fails, and kills and reaps them afterwards.
 */
abstract class ItSupport {
  @TempDir Path tmp;
  private final List<DoppelProcess> processes = new ArrayList<>();
  private int counter;

  @RegisterExtension
  final AfterTestExecutionCallback printLogsOnFailure =
      ctx -> {
        if (ctx.getExecutionException().isPresent()) {
          for (DoppelProcess p : processes) {
            System.err.println(p.logTail(80));
          }
        }
      };

  /** Starts doppel with {@code config} (whose data dir the caller chose). */
  protected DoppelProcess start(DoppelConfig config) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("proc-" + counter++));
    DoppelProcess p = new DoppelProcess(dir, config);
    processes.add(p);
    p.start();
    return p;
  }

  /** Standard config: /data rw for 127.0.0.0/8, no root squash. */
  protected DoppelProcess startStandard() throws IOException {
    return start(DoppelConfig.standard(tmp.resolve("data-" + counter)));
  }

  /** A client connected to {@code p}, with the root handle of {@code export}. */
  protected static Mounted mount(DoppelProcess p, String export) throws IOException {
    Nfs3Client c = Nfs3Client.connect(p.address());
    return new Mounted(c, c.mount(export).orThrow());
  }

  /** A connected client and the export's root handle. */
  protected record Mounted(Nfs3Client client, byte[] root) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      client.close();
    }
  }

  /** SIGTERM first, so that doppel can unregister from a running rpcbind; SIGKILL after 30 s. */
  @AfterEach
  void stopProcesses() {
    for (DoppelProcess p : processes) {
      if (p.alive()) {
        p.stop();
      }
    }
  }
}
