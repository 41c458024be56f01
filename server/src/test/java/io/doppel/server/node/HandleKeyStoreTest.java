package io.doppel.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandleKeyStoreTest {
  @TempDir Path dir;

  @Test
  void createsA32ByteOwnerOnlyKeyAndReusesItOnTheNextStart() throws IOException {
    Path file = dir.resolve("sub/handle.key");
    byte[] first = HandleKeyStore.loadOrCreate(file, new SplittableRandom(1));
    assertThat(first).hasSize(32);
    assertThat(Files.readAllBytes(file)).isEqualTo(first);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(dir.resolve("sub/handle.key.tmp")).doesNotExist();

    byte[] second = HandleKeyStore.loadOrCreate(file, new SplittableRandom(2));
    assertThat(second).isEqualTo(first);
  }

  @Test
  void differentSeedsGiveDifferentKeys() throws IOException {
    byte[] a = HandleKeyStore.loadOrCreate(dir.resolve("a"), new SplittableRandom(1));
    byte[] b = HandleKeyStore.loadOrCreate(dir.resolve("b"), new SplittableRandom(2));
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void refusesAKeyOfTheWrongLengthInsteadOfReplacingIt() throws IOException {
    Path file = dir.resolve("handle.key");
    Files.write(file, new byte[31]);
    assertThatThrownBy(() -> HandleKeyStore.loadOrCreate(file, new SplittableRandom(1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("expected 32 bytes, got 31");
    assertThat(Files.size(file)).isEqualTo(31);
  }
}
