package io.doppel.block.mirror;

import static io.doppel.block.mirror.MirrorTests.awaitTrue;
import static io.doppel.block.mirror.MirrorTests.freePort;
import static io.doppel.block.mirror.MirrorTests.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.block.volume.FileVolume;
import io.doppel.replication.track.DirtyMap;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 000 on one volume and two MirrorHosts: the survivor keeps mirroring into the former
 * primary's replica, a tail only the former primary wrote is overwritten (not called a split
 * brain), and the role goes back with only changed regions copied.
 */
class HandBackTest {
  private static final long SIZE = 32L << 20;
  private static final int REGION = 1 << 20;

  @TempDir Path dir;

  private int portA;
  private int portB;

  @Test
  void formerPrimaryTailIsAdoptedAndTheRoleGoesBackWithTheDeltaOnly() throws Exception {
    portA = freePort();
    portB = freePort();
    Path imgA = dir.resolve("a.img");
    Path imgB = dir.resolve("b.img");
    MirrorHost b = host("b", portB);
    b.openBackup("v", imgB, SIZE, List.of("a"), 0, 1);
    b.start();
    MirrorHost a = host("a", portA);
    MirroredVolume va =
        a.openPrimary(FileVolume.createOrOpen("v", imgA, SIZE, false), imgA, List.of("b"), 0);
    a.start();
    awaitTrue(() -> replicaState(a).equals("IN_SYNC"), "b in sync");
    va.write(0, pattern(REGION, 1), false);
    va.flush();
    // a steps down; then, as if it had crashed with a record only it applied, its image and its
    // leftover write-intent map hold region 6 that b never received.
    a.changeRole("v", new RoleAssignment(VolumeRole.BACKUP, 0));
    a.close();
    tail(imgA, 6);

    MirrorHost a2 = host("a", portA);
    a2.openBackup("v", imgA, SIZE, List.of("b"), 0, 0);
    a2.start();
    RoleAssignment promoted = b.changeRole("v", new RoleAssignment(VolumeRole.PRIMARY, 0));
    assertThat(promoted.epoch()).isGreaterThan(va.role().epoch());
    MirroredVolume vb = b.primary("v").orElseThrow();
    vb.write(3L * REGION, pattern(REGION, 3), true);
    awaitTrue(() -> replicaState(b).equals("IN_SYNC"), "a caught up by b");
    vb.flush();
    // the tail (region 6) and b's write racing it (region 3, perhaps twice), not the whole volume
    long firstCopy = b.status("v").orElseThrow().resyncBytesCopied();
    assertThat(firstCopy).isGreaterThanOrEqualTo(REGION).isLessThanOrEqualTo(4L * REGION);
    assertThat(sha256(imgA)).isEqualTo(sha256(imgB));
    assertThat(Files.exists(new MirrorFiles(imgA).dirtyMap())).isFalse(); // tail resolved

    // hand back: b writes once more, steps down, a takes its volume back
    vb.write(9L * REGION, pattern(4096, 9), false);
    vb.flush();
    b.changeRole("v", new RoleAssignment(VolumeRole.BACKUP, 0));
    a2.changeRole("v", new RoleAssignment(VolumeRole.PRIMARY, 0));
    awaitTrue(() -> replicaState(a2).equals("IN_SYNC"), "b in sync under a again");
    MirroredVolume back = a2.primary("v").orElseThrow();
    back.flush();
    long handBack = a2.status("v").orElseThrow().resyncBytesCopied();
    assertThat(handBack).isLessThanOrEqualTo(2L * REGION);
    a2.close();
    b.close();
    assertThat(sha256(imgA)).isEqualTo(sha256(imgB));
    byte[] region3 = new byte[REGION];
    ByteBuffer.wrap(Files.readAllBytes(imgA)).get(3 * REGION, region3);
    assertThat(region3).isEqualTo(pattern(REGION, 3).array());
  }

  /** Writes junk into region {@code r} of the image and marks it in the leftover map. */
  private static void tail(Path image, long r) throws Exception {
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
      ch.write(pattern(4096, 66), r * REGION);
      ch.force(true);
    }
    DirtyMap map = DirtyMap.open(new MirrorFiles(image).dirtyMap(), 1);
    map.markDurably(r * REGION, 4096, 1);
    map.close();
  }

  private static ByteBuffer pattern(int bytes, int seed) {
    byte[] b = new byte[bytes];
    Arrays.fill(b, (byte) seed);
    return ByteBuffer.wrap(b);
  }

  private MirrorHost host(String node, int port) {
    return MirrorTests.host(
        node,
        new InetSocketAddress("127.0.0.1", port),
        Map.of(
            "a", new InetSocketAddress("127.0.0.1", portA),
            "b", new InetSocketAddress("127.0.0.1", portB)),
        REGION,
        1_000_000_000L);
  }

  private static String replicaState(MirrorHost primary) {
    return primary
        .status("v")
        .filter(s -> s.role() == VolumeRole.PRIMARY && !s.replicas().isEmpty())
        .map(s -> s.replicas().get(0).state())
        .orElse("");
  }
}
