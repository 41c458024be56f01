package io.doppel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.it.client.Nfs3;
import io.doppel.it.client.Nfs3Client;
import io.doppel.it.client.Nfs3Client.Written;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGKILL during a stream of writes: everything acknowledged as FILE_SYNC, and every range a COMMIT
 * acknowledged (RFC 1813 sections 3.3.7 and 3.3.21), must be readable after restart, and the
 * offline fsck must find the store clean.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CrashIT extends ItSupport {
  private static final int RECORD = 4096;
  private static final int KILL_AFTER_ACKS = 400;

  /** Deterministic content of record {@code i}, so the reader can recompute it. */
  static byte[] content(int i) {
    byte[] b = new byte[RECORD];
    new SplittableRandom(1000L + i).nextBytes(b);
    return b;
  }

  @Test
  void acknowledgedWritesSurviveSigkill() throws Exception {
    DoppelProcess d = startStandard();
    byte[] fh;
    try (Mounted m = mount(d, "/data")) {
      fh = m.client().create(m.root(), "stream.bin", 0644).orThrow().fh();
    }
    Map<Integer, String> acked = new ConcurrentHashMap<>();
    AtomicInteger violations = new AtomicInteger();
    AtomicReference<Throwable> writerEnd = new AtomicReference<>();
    Thread writer =
        Thread.ofPlatform()
            .name("crash-writer")
            .start(() -> writeStream(d, fh, acked, violations, writerEnd));
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (acked.size() < KILL_AFTER_ACKS && writer.isAlive() && System.nanoTime() < deadline) {
      DoppelProcess.pause(5);
    }
    assertThat(acked.size())
        .as("acknowledged writes before the kill (writer ended with %s)", writerEnd.get())
        .isGreaterThanOrEqualTo(KILL_AFTER_ACKS);
    d.kill();
    writer.join(Duration.ofSeconds(60));
    assertThat(writer.isAlive()).as("writer noticed the kill").isFalse();
    assertThat(violations.get())
        .as("FILE_SYNC writes acknowledged as less than FILE_SYNC")
        .isZero();
    Map<Integer, String> snapshot = Map.copyOf(acked);

    d.start();
    int maxRecord = snapshot.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
    try (Mounted m = mount(d, "/data")) {
      Nfs3Client c = m.client();
      assertThat(c.getattr(fh).orThrow().size())
          .as("file size covers every acknowledged record")
          .isGreaterThanOrEqualTo((long) (maxRecord + 1) * RECORD);
      for (Map.Entry<Integer, String> e : snapshot.entrySet()) {
        int i = e.getKey();
        byte[] got = c.read(fh, (long) i * RECORD, RECORD).orThrow().data();
        assertThat(Arrays.equals(got, content(i)))
            .as("record %d (acknowledged by %s) intact after SIGKILL", i, e.getValue())
            .isTrue();
      }
    }
    d.stop();
    ExecResult fsck =
        d.cli(
            Duration.ofSeconds(120),
            "fsck",
            "--config",
            d.configFile().toString(),
            "--export",
            "/data");
    assertThat(fsck.exitCode()).as("%s", fsck).isZero();
    assertThat((fsck.stdoutText() + fsck.stderr()).toLowerCase()).as("%s", fsck).contains("clean");
  }

  /**
   * Sequential records: mostly FILE_SYNC; every 8th group of 4 records is written UNSTABLE and then
   * COMMITted. A record is remembered as acknowledged only once the server has promised it.
   */
  private static void writeStream(
      DoppelProcess d,
      byte[] fh,
      Map<Integer, String> acked,
      AtomicInteger violations,
      AtomicReference<Throwable> end) {
    try (Nfs3Client c = Nfs3Client.connect(d.address())) {
      for (int i = 0; i < 1_000_000; ) {
        if ((i / 4) % 8 == 7) {
          for (int j = i; j < i + 4; j++) {
            c.write(fh, (long) j * RECORD, content(j), Nfs3.UNSTABLE).orThrow();
          }
          c.commit(fh, (long) i * RECORD, 4 * RECORD).orThrow();
          for (int j = i; j < i + 4; j++) {
            acked.put(j, "COMMIT");
          }
          i += 4;
        } else {
          Written w = c.write(fh, (long) i * RECORD, content(i), Nfs3.FILE_SYNC).orThrow();
          if (w.committed() != Nfs3.FILE_SYNC || w.count() != RECORD) {
            violations.incrementAndGet();
          } else {
            acked.put(i, "FILE_SYNC");
          }
          i++;
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      end.set(e);
    }
  }
}
