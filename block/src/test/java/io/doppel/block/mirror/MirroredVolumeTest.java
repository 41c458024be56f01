package io.doppel.block.mirror;

import static io.doppel.block.mirror.MirrorTests.awaitTrue;
import static io.doppel.block.mirror.MirrorTests.freePort;
import static io.doppel.block.mirror.MirrorTests.host;
import static io.doppel.block.mirror.MirrorTests.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.block.volume.FileVolume;
import io.doppel.replication.history.History;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A primary and a backup MirrorHost on 127.0.0.1, with real images on disk. */
class MirroredVolumeTest {
  private static final long SIZE = 8L << 20;

  @TempDir Path dir;

  @Test
  void writesThroughTheMirrorLeaveIdenticalImages() throws Exception {
    int port = freePort();
    Path primaryImg = dir.resolve("p.img");
    Path backupImg = dir.resolve("b.img");
    MirrorHost backup = host("b", new InetSocketAddress("127.0.0.1", port), port);
    backup.openBackup("v", backupImg, SIZE);
    backup.start();
    MirrorHost primary = host("a", null, port);
    MirroredVolume v =
        primary.openPrimary(
            FileVolume.createOrOpen("v", primaryImg, SIZE, false), primaryImg, List.of("b"));
    awaitTrue(() -> inSync(primary), "backup in sync");
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      byte[] data = new byte[4096 * (1 + random.nextInt(64))];
      random.nextBytes(data);
      long offset = 4096L * random.nextInt((int) ((SIZE - data.length) / 4096));
      v.write(offset, ByteBuffer.wrap(data), i % 10 == 0);
    }
    v.writeZeroes(0, 1 << 20, false, true);
    v.trim(2L << 20, 1 << 20);
    v.write(SIZE - (3 << 20), ByteBuffer.wrap(new byte[3 << 20]), false); // split into 3 records
    v.flush();
    MirrorStatus s = primary.status("v").orElseThrow();
    assertThat(s.role()).isEqualTo(VolumeRole.PRIMARY);
    assertThat(s.replicas())
        .singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo("IN_SYNC"));
    // FLUSH waited for DURABLE on the backup: its persisted history has every record.
    assertThat(new MirrorFiles(backupImg).readHistory().lastSeq()).isEqualTo(s.lastSeq());
    v.close();
    primary.close();
    backup.close();
    assertThat(sha256(primaryImg)).isEqualTo(sha256(backupImg));
  }

  @Test
  void fuaWriteIsDurableOnTheBackupWhenItReturns() throws Exception {
    int port = freePort();
    Path primaryImg = dir.resolve("p.img");
    Path backupImg = dir.resolve("b.img");
    MirrorHost backup = host("b", new InetSocketAddress("127.0.0.1", port), port);
    backup.openBackup("v", backupImg, SIZE);
    backup.start();
    MirrorHost primary = host("a", null, port);
    MirroredVolume v =
        primary.openPrimary(
            FileVolume.createOrOpen("v", primaryImg, SIZE, false), primaryImg, List.of("b"));
    awaitTrue(() -> inSync(primary), "backup in sync");
    byte[] data = new byte[65536];
    new Random(3).nextBytes(data);
    v.write(4096, ByteBuffer.wrap(data), true);
    History h = new MirrorFiles(backupImg).readHistory();
    assertThat(h.lastSeq()).isEqualTo(primary.status("v").orElseThrow().lastSeq());
    v.close();
    primary.close();
    backup.close();
  }

  @Test
  void backupOutOfSyncIsResyncedFromDirtyRegionsOnly() throws Exception {
    int port = freePort();
    Path primaryImg = dir.resolve("p.img");
    Path backupImg = dir.resolve("b.img");
    MirrorHost backup = host("b", new InetSocketAddress("127.0.0.1", port), port);
    backup.openBackup("v", backupImg, SIZE);
    backup.start();
    MirrorHost primary = host("a", null, port);
    MirroredVolume v =
        primary.openPrimary(
            FileVolume.createOrOpen("v", primaryImg, SIZE, false), primaryImg, List.of("b"));
    awaitTrue(() -> inSync(primary), "backup in sync");
    v.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}), false);
    v.flush();
    backup.close(); // the backup goes away; the primary keeps serving
    byte[] data = new byte[8192];
    new Random(5).nextBytes(data);
    v.write(5L << 20, ByteBuffer.wrap(data), false);
    awaitTrue(() -> !inSync(primary), "backup out of sync");
    MirrorHost again = host("b", new InetSocketAddress("127.0.0.1", port), port);
    again.openBackup("v", backupImg, SIZE);
    again.start();
    awaitTrue(() -> inSync(primary), "backup back in sync");
    long copied = primary.status("v").orElseThrow().resyncBytesCopied();
    assertThat(copied).isPositive().isLessThanOrEqualTo(2L << 20);
    v.close();
    primary.close();
    again.close();
    assertThat(sha256(primaryImg)).isEqualTo(sha256(backupImg));
  }

  private static boolean inSync(MirrorHost primary) {
    return primary
        .status("v")
        .map(s -> s.replicas().get(0).state().equals("IN_SYNC"))
        .orElse(false);
  }
}
