package io.doppel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.it.client.AuthSys;
import io.doppel.it.client.Fattr;
import io.doppel.it.client.Nfs3;
import io.doppel.it.client.Nfs3Client;
import io.doppel.it.client.Nfs3Client.Obj;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** doppel driven by libnfs (nfs-cp, nfs-ls, nfs-cat) and by the Java NFSv3 test client. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NfsClientsIT extends ItSupport {

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "nfs-cp in and out, {0} bytes")
  @ValueSource(ints = {0, 1, (1 << 20) + 1, 64 << 20})
  void copiesFilesInAndOutWithNfsCp(int size) throws IOException {
    DoppelProcess d = startStandard();
    LibNfs nfs = new LibNfs(d.port(), "/data");
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    Path src = Files.write(tmp.resolve("src.bin"), data);
    Path back = tmp.resolve("back.bin");

    ExecResult in = nfs.cp(src.toString(), nfs.url("f.bin"));
    assertThat(in.exitCode()).as("%s", in).isZero();
    ExecResult out = nfs.cp(nfs.url("f.bin"), back.toString());
    assertThat(out.exitCode()).as("%s", out).isZero();

    assertThat(sha256(Files.readAllBytes(back))).isEqualTo(sha256(data));
    try (Mounted m = mount(d, "/data")) {
      Obj f = m.client().lookup(m.root(), "f.bin").orThrow();
      assertThat(m.client().getattr(f.fh()).orThrow().size()).isEqualTo(size);
    }
  }

  @Test
  void nfsLsListsAllEntriesOfALargeDirectory() throws IOException {
    DoppelProcess d = startStandard();
    Set<String> expected = new HashSet<>();
    try (Mounted m = mount(d, "/data")) {
      m.client().createMany(m.root(), "entry-", 5000, 32);
      for (int i = 0; i < 5000; i++) {
        expected.add("entry-" + i);
      }
      Set<String> viaJava = new HashSet<>();
      m.client().listAll(m.root()).forEach(e -> viaJava.add(e.name()));
      viaJava.removeAll(Set.of(".", ".."));
      assertThat(viaJava).isEqualTo(expected);
    }
    // nfs-ls lists the export root: libnfs mounts the whole URL path of a directory.
    ExecResult ls = new LibNfs(d.port(), "/data").ls("");
    assertThat(ls.exitCode()).as("%s", ls).isZero();
    assertThat(new HashSet<>(LibNfs.names(ls))).isEqualTo(expected);
  }

  /**
   * libnfs's nfs-ls (and Linux {@code mount host:/data/sub}) send MNT for a sub-directory of an
   * export; knfsd and nfs-ganesha answer with that directory's handle.
   */
  @Test
  void mountOfASubdirectoryOfAnExport() throws IOException {
    DoppelProcess d = startStandard();
    try (Mounted m = mount(d, "/data")) {
      byte[] dir = m.client().mkdir(m.root(), "sub", 0755).orThrow().fh();
      m.client().create(dir, "inside", 0644).orThrow();
      assertThat(m.client().mount("/data/sub").status())
          .as("MNT /data/sub (directory exists in export /data)")
          .isEqualTo(Nfs3.OK);
    }
    ExecResult ls = new LibNfs(d.port(), "/data").ls("sub");
    assertThat(ls.exitCode()).as("%s", ls).isZero();
    assertThat(LibNfs.names(ls)).containsExactly("inside");
  }

  @Test
  void renameLinkSymlinkRemoveAreVisibleToLibnfs() throws IOException {
    DoppelProcess d = startStandard();
    LibNfs nfs = new LibNfs(d.port(), "/data");
    byte[] text = "hello doppel\n".getBytes(StandardCharsets.UTF_8);
    try (Mounted m = mount(d, "/data")) {
      Nfs3Client c = m.client();
      byte[] a = c.create(m.root(), "a.txt", 0644).orThrow().fh();
      assertThat(c.write(a, 0, text, Nfs3.FILE_SYNC).orThrow().count()).isEqualTo(text.length);

      assertThat(status(c.rename(m.root(), "a.txt", m.root(), "b.txt"))).isEqualTo("NFS3_OK");
      assertThat(nfs.cat("b.txt").stdout()).isEqualTo(text);
      assertThat(nfs.cat("a.txt").exitCode()).isNotZero();

      assertThat(status(c.link(a, m.root(), "c.txt"))).isEqualTo("NFS3_OK");
      assertThat(c.getattr(a).orThrow().nlink()).isEqualTo(2);
      assertThat(nfs.cat("c.txt").stdout()).isEqualTo(text);

      Obj s = c.symlink(m.root(), "s.lnk", "b.txt").orThrow();
      assertThat(c.readlink(s.fh()).orThrow()).isEqualTo("b.txt");
      assertThat(c.getattr(s.fh()).orThrow().type()).isEqualTo(Nfs3.NF3LNK);
      assertThat(LibNfs.names(nfs.ls(""))).contains("b.txt", "c.txt", "s.lnk");

      assertThat(status(c.remove(m.root(), "b.txt"))).isEqualTo("NFS3_OK");
      assertThat(c.getattr(a).orThrow().nlink()).isEqualTo(1);
      assertThat(nfs.cat("c.txt").stdout()).isEqualTo(text);
      assertThat(LibNfs.names(nfs.ls(""))).contains("c.txt").doesNotContain("b.txt", "a.txt");
      assertThat(c.lookup(m.root(), "b.txt").status()).isEqualTo(Nfs3.ERR_NOENT);
    }
  }

  private static String status(int s) {
    return Nfs3.statusName(s);
  }

  @Test
  void unprivilegedUserCannotWriteRootOwnedFile() throws IOException {
    DoppelProcess d = startStandard();
    byte[] text = "root only\n".getBytes(StandardCharsets.UTF_8);
    try (Mounted m = mount(d, "/data")) {
      byte[] fh = m.client().create(m.root(), "secret", 0644).orThrow().fh();
      m.client().write(fh, 0, text, Nfs3.FILE_SYNC).orThrow();
      Fattr a = m.client().getattr(fh).orThrow();
      assertThat(a.uid()).isZero();
      assertThat(a.mode() & 07777).isEqualTo(0644);

      Nfs3Client user = m.client().as(AuthSys.of(1000, 1000));
      assertThat(user.write(fh, 0, "x".getBytes(StandardCharsets.UTF_8), Nfs3.FILE_SYNC).status())
          .as("WRITE by uid 1000 to a root-owned 0644 file")
          .isEqualTo(Nfs3.ERR_ACCES);
      assertThat(user.read(fh, 0, 100).orThrow().data())
          .as("0644 is world-readable")
          .isEqualTo(text);
      assertThat(m.client().read(fh, 0, 100).orThrow().data()).isEqualTo(text);
    }
  }

  @Test
  void clientOutsideTheExportRulesIsRefused() throws IOException {
    DoppelProcess d =
        start(
            new DoppelConfig(tmp.resolve("data"))
                .export("/data", 1, List.of(new DoppelConfig.Rule("10.0.0.0/8", "rw", "none"))));
    try (Nfs3Client c = Nfs3Client.connect(d.address())) {
      assertThat(c.mount("/data").status()).as("MNT from 127.0.0.1").isEqualTo(Nfs3.ERR_ACCES);
      assertThat(c.mount("/nonexistent").status()).isNotZero();
    }
    ExecResult ls = new LibNfs(d.port(), "/data").ls("");
    assertThat(ls.exitCode()).as("%s", ls).isNotZero();
  }

  @Test
  void readOnlyRuleRefusesWritesWithRofs() throws IOException {
    Path data = tmp.resolve("data");
    byte[] text = "written while rw\n".getBytes(StandardCharsets.UTF_8);
    DoppelProcess rw = start(DoppelConfig.standard(data));
    try (Mounted m = mount(rw, "/data")) {
      byte[] fh = m.client().create(m.root(), "f", 0666).orThrow().fh();
      m.client().write(fh, 0, text, Nfs3.FILE_SYNC).orThrow();
    }
    rw.stop();
    DoppelProcess ro =
        start(
            new DoppelConfig(data)
                .export("/data", 1, List.of(new DoppelConfig.Rule("127.0.0.0/8", "ro", "none"))));
    try (Mounted m = mount(ro, "/data")) {
      Nfs3Client c = m.client();
      byte[] fh = c.lookup(m.root(), "f").orThrow().fh();
      assertThat(c.read(fh, 0, 100).orThrow().data()).isEqualTo(text);
      assertThat(c.write(fh, 0, text, Nfs3.FILE_SYNC).status()).isEqualTo(Nfs3.ERR_ROFS);
      assertThat(c.create(m.root(), "g", 0644).status()).isEqualTo(Nfs3.ERR_ROFS);
      assertThat(c.remove(m.root(), "f")).isEqualTo(Nfs3.ERR_ROFS);
      assertThat(c.read(fh, 0, 100).orThrow().data()).isEqualTo(text);
    }
  }

  @Test
  void handlesSurviveRestartForgedAndRemovedHandlesAreRefused() throws IOException {
    DoppelProcess d = startStandard();
    byte[] text = "persistent\n".getBytes(StandardCharsets.UTF_8);
    byte[] keep;
    byte[] gone;
    try (Mounted m = mount(d, "/data")) {
      keep = m.client().create(m.root(), "keep", 0644).orThrow().fh();
      m.client().write(keep, 0, text, Nfs3.FILE_SYNC).orThrow();
      gone = m.client().create(m.root(), "gone", 0644).orThrow().fh();
    }
    d.stop();
    d.start();
    try (Mounted m = mount(d, "/data")) {
      Nfs3Client c = m.client();
      assertThat(c.getattr(keep).orThrow().size()).isEqualTo(text.length);
      assertThat(c.read(keep, 0, 100).orThrow().data()).isEqualTo(text);
      for (int i : new int[] {keep.length - 1, keep.length / 2, 0}) {
        byte[] forged = keep.clone();
        forged[i] ^= 0x40;
        assertThat(c.getattr(forged).status())
            .as("GETATTR with byte %d of %d flipped", i, keep.length)
            .isEqualTo(Nfs3.ERR_BADHANDLE);
      }
      assertThat(c.remove(m.root(), "gone")).isEqualTo(Nfs3.OK);
      assertThat(c.getattr(gone).status()).isEqualTo(Nfs3.ERR_STALE);
      assertThat(c.read(gone, 0, 10).status()).isEqualTo(Nfs3.ERR_STALE);
    }
  }
}
