package io.doppel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.it.client.Nfs3Client.Obj;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * com.emc.ecs:nfs-client against doppel. That client always asks the portmapper on port 111, so
 * doppel runs with {@code portmap = "auto"}: it serves the portmapper itself when 111 is free and
 * registers with the running rpcbind otherwise.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JavaNfsClientIT extends ItSupport {

  @Test
  void emcClientWritesReadsAndLists() throws IOException {
    boolean portmapperRunning = Ports.accepting(111);
    DoppelProcess d;
    try {
      d = start(DoppelConfig.standard(tmp.resolve("data")).portmap("auto"));
    } catch (IllegalStateException e) {
      Assumptions.assumeFalse(
          portmapperRunning,
          "port 111 is taken by another program and doppel could not register with it: " + e);
      throw e;
    }
    ExecResult r =
        Exec.run(
            Duration.ofSeconds(120),
            List.of(
                DoppelProcess.javaCommand(),
                "-cp",
                System.getProperty("java.class.path"),
                EmcClientMain.class.getName(),
                "127.0.0.1",
                "/data"));
    assertThat(r.exitCode()).as("forked com.emc.ecs client: %s", r).isZero();
    assertThat(r.stdoutText()).contains("OK done", "payload.bin");
    try (Mounted m = mount(d, "/data")) {
      Obj dir = m.client().lookup(m.root(), "emc").orThrow();
      Obj f = m.client().lookup(dir.fh(), "payload.bin").orThrow();
      assertThat(m.client().getattr(f.fh()).orThrow().size()).isEqualTo(300_000);
    }
  }
}
