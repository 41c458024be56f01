package io.doppel.nfs.proc;

import static io.doppel.nfs.proc.NfsHarness.LOCAL;
import static io.doppel.nfs.proc.NfsHarness.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.rpc.RpcReply;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random calls (a valid root handle followed by random words) against the real store: every
 * call must get GARBAGE_ARGS or an nfsstat3 reply, and no call may end in SERVERFAULT.
 */
class FuzzedCallsTest {
  @TempDir Path dir;

  @Test
  void randomArgumentsAfterAValidHandleNeverFaultTheServer() throws Exception {
    try (NfsHarness h = new NfsHarness(dir, NfsHarness.EVERYONE_READ_WRITE)) {
      byte[] root = h.root();
      SplittableRandom random = new SplittableRandom(20261122);
      int replies = 0;
      for (int i = 0; i < 3000; i++) {
        int proc = 1 + random.nextInt(21);
        int words = random.nextInt(24);
        int[] values = new int[words];
        for (int w = 0; w < words; w++) {
          values[w] = random.nextBoolean() ? random.nextInt(8) : random.nextInt();
        }
        NfsHarness.Reply r =
            h.call(
                h.nfs,
                i,
                proc,
                ROOT,
                LOCAL,
                out -> {
                  out.writeOpaque(root);
                  for (int v : values) {
                    out.writeInt(v);
                  }
                });
        assertThat(r.reply()).isInstanceOfAny(RpcReply.Success.class, RpcReply.GarbageArgs.class);
        if (r.reply() instanceof RpcReply.Success) {
          assertThat(r.body().length).isGreaterThanOrEqualTo(4);
          replies++;
        }
      }
      assertThat(replies).as("some calls decoded").isPositive();
      assertThat(h.service.stats().serverFaults()).isZero();
    }
  }
}
