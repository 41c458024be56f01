package io.doppel.nfs.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.nfs.Access;
import io.doppel.nfs.ClientMatch;
import io.doppel.nfs.ClientRule;
import io.doppel.nfs.Squash;
import io.doppel.nfs.wire.MountStatus;
import io.doppel.rpc.RpcReply;
import io.doppel.rpc.xdr.XdrDecoder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountProgramTest {
  @TempDir Path dir;
  NfsHarness h;

  @BeforeEach
  void open() throws Exception {
    h =
        new NfsHarness(
            dir,
            List.of(
                new ClientRule(
                    ClientMatch.parse("127.0.0.0/8"),
                    Access.READ_WRITE,
                    Squash.NONE,
                    65534,
                    65534)));
  }

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void mntReturnsTheRootHandleAndAuthSys() throws Exception {
    XdrDecoder in = h.mount(1, NfsHarness.LOCAL, "/data/").decoder();
    assertThat(in.readInt()).isEqualTo(MountStatus.MNT3_OK.code);
    byte[] root = in.readOpaque(64);
    assertThat(in.readInt()).isEqualTo(1);
    assertThat(in.readInt()).as("AUTH_SYS").isEqualTo(1);
    assertThat(h.getAttr(root).fileId()).isEqualTo(h.store.root().fileId());
  }

  @Test
  void unknownClimbingRelativeAndForbidden() throws Exception {
    assertThat(h.mount(1, NfsHarness.LOCAL, "/other").decoder().readInt())
        .isEqualTo(MountStatus.MNT3ERR_NOENT.code);
    assertThat(h.mount(1, NfsHarness.LOCAL, "/data/../etc").decoder().readInt())
        .isEqualTo(MountStatus.MNT3ERR_INVAL.code);
    assertThat(h.mount(1, NfsHarness.LOCAL, "data").decoder().readInt())
        .isEqualTo(MountStatus.MNT3ERR_INVAL.code);
    InetSocketAddress outsider = new InetSocketAddress("10.1.1.1", 900);
    assertThat(h.mount(1, outsider, "/data").decoder().readInt())
        .isEqualTo(MountStatus.MNT3ERR_ACCES.code);
  }

  @Test
  void subdirectoriesOfAnExportCanBeMounted() throws Exception {
    byte[] root = h.root();
    byte[] sub = h.mkdir(NfsHarness.ROOT, root, "projects", 0755);
    h.create(NfsHarness.ROOT, sub, "file", 0644);
    XdrDecoder in = h.mount(1, NfsHarness.LOCAL, "/data/projects").decoder();
    assertThat(in.readInt()).isEqualTo(MountStatus.MNT3_OK.code);
    assertThat(in.readOpaque(64)).isEqualTo(sub);
    assertThat(h.mount(1, NfsHarness.LOCAL, "/data/projects/file").decoder().readInt())
        .isEqualTo(MountStatus.MNT3ERR_NOTDIR.code);
    assertThat(h.mount(1, NfsHarness.LOCAL, "/data/nothing").decoder().readInt())
        .isEqualTo(MountStatus.MNT3ERR_NOENT.code);
    assertThat(h.mount(1, NfsHarness.LOCAL, "/dataX").decoder().readInt())
        .isEqualTo(MountStatus.MNT3ERR_NOENT.code);
  }

  @Test
  void dumpListsMountsUntilUnmounted() throws Exception {
    h.root();
    XdrDecoder in = h.mount(2, NfsHarness.LOCAL, null).decoder();
    assertThat(in.readBoolean()).isTrue();
    assertThat(in.readString(255)).isEqualTo("127.0.0.1");
    assertThat(in.readString(1024)).isEqualTo("/data");
    assertThat(in.readBoolean()).isFalse();
    h.mount(3, NfsHarness.LOCAL, "/data");
    assertThat(h.mount(2, NfsHarness.LOCAL, null).decoder().readBoolean()).isFalse();
  }

  @Test
  void exportListsPathsWithTheirGroups() throws Exception {
    XdrDecoder in = h.mount(5, NfsHarness.LOCAL, null).decoder();
    assertThat(in.readBoolean()).isTrue();
    assertThat(in.readString(1024)).isEqualTo("/data");
    assertThat(in.readBoolean()).isTrue();
    assertThat(in.readString(255)).isEqualTo("127.0.0.0/8");
    assertThat(in.readBoolean()).isFalse();
    assertThat(in.readBoolean()).isFalse();
    assertThat(in.remaining()).isZero();
  }

  @Test
  void mntArgumentsThatDoNotDecodeAreGarbage() {
    NfsHarness.Reply r =
        h.call(h.mount, 99, 1, NfsHarness.ROOT, NfsHarness.LOCAL, out -> out.writeInt(5000));
    assertThat(r.reply()).isInstanceOf(RpcReply.GarbageArgs.class);
    NfsHarness.Reply unknown = h.call(h.mount, 98, 9, NfsHarness.ROOT, NfsHarness.LOCAL, out -> {});
    assertThat(unknown.reply()).isInstanceOf(RpcReply.ProcedureUnavailable.class);
  }
}
