package io.doppel.nfs.handle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import io.doppel.fs.InodeRef;
import java.util.Arrays;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class FileHandleCodecTest {
  static final byte[] KEY = new byte[32];

  static {
    Arrays.fill(KEY, (byte) 7);
  }

  final FileHandleCodec codec = new FileHandleCodec(KEY, Set.of(1, 2));

  @Property
  void roundTrips(@ForAll long fileId, @ForAll int generation) throws FsException {
    byte[] h = codec.encode(2, new InodeRef(fileId, generation));
    assertThat(h).hasSize(FileHandleCodec.LENGTH);
    assertThat(codec.decode(h)).isEqualTo(new FileHandle(2, new InodeRef(fileId, generation)));
  }

  @Test
  void anyFlippedBitIsBadHandle() {
    byte[] h = codec.encode(1, new InodeRef(99, 3));
    for (int i = 0; i < h.length; i++) {
      byte[] t = h.clone();
      t[i] ^= 0x10;
      assertThatThrownBy(() -> codec.decode(t))
          .isInstanceOfSatisfying(
              FsException.class, e -> assertThat(e.status()).isEqualTo(FsStatus.BADHANDLE));
    }
  }

  @Test
  void wrongLengthIsBadHandle() {
    byte[] h = codec.encode(1, new InodeRef(99, 3));
    assertThatThrownBy(() -> codec.decode(Arrays.copyOf(h, 32)))
        .isInstanceOfSatisfying(
            FsException.class, e -> assertThat(e.status()).isEqualTo(FsStatus.BADHANDLE));
    assertThatThrownBy(() -> codec.decode(new byte[0])).isInstanceOf(FsException.class);
  }

  @Test
  void validMacForAnExportNotServedHereIsBadHandle() {
    byte[] h = new FileHandleCodec(KEY, Set.of(3)).encode(3, new InodeRef(1, 1));
    assertThatThrownBy(() -> codec.decode(h))
        .isInstanceOfSatisfying(
            FsException.class, e -> assertThat(e.status()).isEqualTo(FsStatus.BADHANDLE));
  }

  @Test
  void handleUnderAnotherKeyIsBadHandle() {
    byte[] other = KEY.clone();
    other[0] = 1;
    byte[] h = new FileHandleCodec(other, Set.of(1)).encode(1, new InodeRef(1, 1));
    assertThatThrownBy(() -> codec.decode(h)).isInstanceOf(FsException.class);
  }

  @Test
  void keyMustBe32Bytes() {
    assertThatThrownBy(() -> new FileHandleCodec(new byte[16], Set.of(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32");
  }
}
