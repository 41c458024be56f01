package io.doppel.block.mirror;

import static io.doppel.block.mirror.MirrorTests.awaitTrue;
import static io.doppel.block.mirror.MirrorTests.freePort;
import static io.doppel.block.mirror.MirrorTests.host;
import static io.doppel.block.mirror.MirrorTests.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.block.volume.FileVolume;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary killed between flushes restarts with a persisted history behind what its backup holds
 * of the same epoch. Its seq reservation keeps the new epoch above those seqs, so the backup looks
 * behind (and is caught up) instead of forked (a false split brain).
 */
class RestartedPrimaryTest {
  private static final long SIZE = 16L << 20;

  @TempDir Path dir;

  @Test
  void backupAheadInTheOldEpochIsCaughtUpNotDiverged() throws Exception {
    int port = freePort();
    Path imgA = dir.resolve("a.img");
    Path imgB = dir.resolve("b.img");
    MirrorHost b = host("b", new InetSocketAddress("127.0.0.1", port), port);
    b.openBackup("v", imgB, SIZE, List.of("a"), 0, 1);
    b.start();
    MirrorHost a = host("a", null, port);
    MirroredVolume v =
        a.openPrimary(FileVolume.createOrOpen("v", imgA, SIZE, false), imgA, List.of("b"), 0);
    awaitTrue(() -> state(a).equals("IN_SYNC"), "b in sync");
    v.write(0, ByteBuffer.wrap(new byte[4096]), false);
    v.flush();
    MirrorFiles filesA = new MirrorFiles(imgA);
    Path historyAtFlush = dir.resolve("history-at-flush");
    Files.copy(filesA.historyFile(), historyAtFlush);
    Random random = new Random(11);
    for (int i = 0; i < 50; i++) {
      byte[] data = new byte[8192];
      random.nextBytes(data);
      v.write(4096L * random.nextInt(1000), ByteBuffer.wrap(data), false);
    }
    long last = a.status("v").orElseThrow().lastSeq();
    // the backup syncs on its own schedule: wait until its persisted history has every record
    awaitTrue(() -> historySeq(imgB) == last, "b durable through " + last);
    a.close();
    // as if killed before the next flush: the history on disk is the one of the last flush
    Files.copy(historyAtFlush, filesA.historyFile(), StandardCopyOption.REPLACE_EXISTING);
    assertThat(filesA.readHistory().lastSeq()).isLessThan(last);

    MirrorHost again = host("a", null, port);
    MirroredVolume v2 =
        again.openPrimary(FileVolume.createOrOpen("v", imgA, SIZE, false), imgA, List.of("b"), 0);
    awaitTrue(() -> state(again).equals("IN_SYNC"), "b caught up by the restarted primary");
    v2.write(8192, ByteBuffer.wrap(new byte[] {7, 7, 7}), true);
    assertThat(again.status("v").orElseThrow().lastSeq()).isGreaterThan(last);
    again.close();
    b.close();
    assertThat(sha256(imgA)).isEqualTo(sha256(imgB));
  }

  private static long historySeq(Path image) {
    try {
      return new MirrorFiles(image).readHistory().lastSeq();
    } catch (java.io.IOException e) {
      return -1; // being replaced right now
    }
  }

  private static String state(MirrorHost primary) {
    return primary
        .status("v")
        .filter(s -> !s.replicas().isEmpty())
        .map(s -> s.replicas().get(0).state())
        .orElse("");
  }
}
