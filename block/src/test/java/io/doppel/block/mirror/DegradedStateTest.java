package io.doppel.block.mirror;

import static io.doppel.block.mirror.MirrorTests.awaitTrue;
import static io.doppel.block.mirror.MirrorTests.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.block.volume.FileVolume;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The primary persists which replicas it serves without ({@code X.img.degraded}): a tail claim made
 * from its leftover map is trusted as unacknowledged only when that set was empty, so the file must
 * name a replica from before the first write acknowledged without it until it is back in sync.
 */
class DegradedStateTest {
  private static final long SIZE = 8L << 20;

  @TempDir Path dir;

  @Test
  void namesEveryReplicaNotInSyncAndIsClearedWhenAllAre() throws Exception {
    int port = freePort();
    Path imgA = dir.resolve("a.img");
    Path imgB = dir.resolve("b.img");
    MirrorFiles filesA = new MirrorFiles(imgA);
    MirrorHost a = host("a", null, port);
    MirroredVolume v =
        a.openPrimary(FileVolume.createOrOpen("v", imgA, SIZE, false), imgA, List.of("b"), 0);
    // nobody has answered yet: everything it acknowledges now is acknowledged without b
    assertThat(filesA.readDegraded()).containsExactly("b");
    MirrorHost b = host("b", new InetSocketAddress("127.0.0.1", port), port);
    b.openBackup("v", imgB, SIZE, List.of("a"), 0, 1);
    b.start();
    awaitTrue(() -> degraded(filesA).isEmpty(), "b in sync, degraded set empty");
    b.close(); // b goes away: the next acknowledged write is one b lacks
    v.write(0, ByteBuffer.wrap(new byte[4096]), false);
    awaitTrue(() -> degraded(filesA).equals(List.of("b")), "b named as degraded");
    a.close(); // closing the stream's links afterwards does not rewrite the file
    assertThat(filesA.readDegraded()).containsExactly("b");
  }

  private static List<String> degraded(MirrorFiles files) {
    try {
      return files.readDegraded();
    } catch (IOException e) {
      return List.of("(being replaced)");
    }
  }

  private MirrorHost host(String node, InetSocketAddress bind, int backupPort) {
    return MirrorTests.host(
        node,
        bind,
        Map.of("b", new InetSocketAddress("127.0.0.1", backupPort)),
        1 << 20,
        300_000_000L);
  }
}
