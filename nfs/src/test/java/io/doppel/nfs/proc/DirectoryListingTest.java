package io.doppel.nfs.proc;

import static io.doppel.nfs.proc.NfsHarness.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.fs.Attributes;
import io.doppel.nfs.wire.AttrCodec;
import io.doppel.nfs.wire.NfsArgs;
import io.doppel.nfs.wire.NfsStatus;
import io.doppel.rpc.xdr.XdrDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryListingTest {
  @TempDir Path dir;
  NfsHarness h;
  byte[] root;

  @BeforeEach
  void open() throws Exception {
    h = new NfsHarness(dir, NfsHarness.EVERYONE_READ_WRITE);
    root = h.root();
  }

  @AfterEach
  void close() {
    h.close();
  }

  record Page(long verifier, List<String> names, List<Long> cookies, boolean eof) {}

  Page readDir(long cookie, long verifier, int count) throws Exception {
    XdrDecoder in =
        h.nfs(16, ROOT, new NfsArgs.ReadDirArgs(root, cookie, verifier, count))
            .expect(NfsStatus.NFS3_OK);
    AttrCodec.readPostOp(in);
    long verf = in.readLong();
    List<String> names = new ArrayList<>();
    List<Long> cookies = new ArrayList<>();
    while (in.readBoolean()) {
      in.readLong();
      names.add(in.readString(255));
      cookies.add(in.readLong());
    }
    boolean eof = in.readBoolean();
    assertThat(in.remaining()).isZero();
    return new Page(verf, names, cookies, eof);
  }

  @Test
  void pagesWithCookiesListEveryEntryOnceIncludingDots() throws Exception {
    List<String> expected = new ArrayList<>(List.of(".", ".."));
    for (int i = 0; i < 60; i++) {
      String name = "file-with-a-longish-name-" + i;
      h.create(ROOT, root, name, 0644);
      expected.add(name);
    }
    List<String> seen = new ArrayList<>();
    long cookie = 0;
    long verifier = 0;
    int pages = 0;
    while (true) {
      Page p = readDir(cookie, verifier, 600);
      assertThat(600).isGreaterThanOrEqualTo(encodedSize(p));
      seen.addAll(p.names());
      pages++;
      if (p.eof()) {
        break;
      }
      cookie = p.cookies().getLast();
      verifier = p.verifier();
    }
    assertThat(pages).isGreaterThan(3);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
  }

  /** The resok size per RFC 1813 accounting. */
  static int encodedSize(Page p) {
    int size = 4 + 4 + 84 + 8 + 4 + 4;
    for (String n : p.names()) {
      size += 4 + 8 + 4 + ((n.length() + 3) & ~3) + 8;
    }
    return size;
  }

  @Test
  void countTooSmallForOneEntryIsTooSmall() throws Exception {
    h.create(ROOT, root, "x", 0644);
    XdrDecoder in =
        h.nfs(16, ROOT, new NfsArgs.ReadDirArgs(root, 0, 0, 110))
            .expect(NfsStatus.NFS3ERR_TOOSMALL);
    assertThat(AttrCodec.readPostOp(in)).isNotNull();
    h.nfs(16, ROOT, new NfsArgs.ReadDirArgs(root, 0, 0, 10)).expect(NfsStatus.NFS3ERR_TOOSMALL);
  }

  @Test
  void wrongCookieVerifierIsBadCookie() throws Exception {
    h.create(ROOT, root, "x", 0644);
    Page p = readDir(0, 0, 4096);
    long cookie = p.cookies().getLast();
    h.nfs(16, ROOT, new NfsArgs.ReadDirArgs(root, cookie, p.verifier() + 1, 4096))
        .expect(NfsStatus.NFS3ERR_BAD_COOKIE);
    h.nfs(16, ROOT, new NfsArgs.ReadDirArgs(root, 1L << 40, p.verifier(), 4096))
        .expect(NfsStatus.NFS3ERR_BAD_COOKIE);
    assertThat(readDir(cookie, p.verifier(), 4096).eof()).isTrue();
  }

  @Test
  void readDirPlusReturnsAttributesAndUsableHandles() throws Exception {
    byte[] a = h.create(ROOT, root, "a", 0640);
    XdrDecoder in =
        h.nfs(17, ROOT, new NfsArgs.ReadDirPlusArgs(root, 0, 0, 4096, 32768))
            .expect(NfsStatus.NFS3_OK);
    AttrCodec.readPostOp(in);
    in.readLong();
    Map<String, byte[]> handles = new HashMap<>();
    Map<String, Attributes> attrs = new HashMap<>();
    while (in.readBoolean()) {
      in.readLong();
      String name = in.readString(255);
      in.readLong();
      attrs.put(name, AttrCodec.readPostOp(in));
      handles.put(name, in.readBoolean() ? in.readOpaque(64) : null);
    }
    assertThat(in.readBoolean()).isTrue();
    assertThat(handles.keySet()).containsExactlyInAnyOrder(".", "..", "a");
    assertThat(handles.get("a")).isEqualTo(a);
    assertThat(attrs.get("a").mode()).isEqualTo(0640);
    assertThat(handles.get(".")).isEqualTo(root);
    assertThat(h.getAttr(handles.get("..")).fileId()).isEqualTo(h.store.root().fileId());
  }
}
