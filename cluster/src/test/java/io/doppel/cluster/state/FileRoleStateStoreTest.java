package io.doppel.cluster.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.cluster.Epoch;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRoleStateStoreTest {
  @TempDir Path dir;

  private static PersistedRoleState sample() {
    return PersistedRoleState.EMPTY
        .with(
            ResourceId.export("home"),
            new ResourceRoleState(
                new Epoch(7),
                Optional.of(new NodeId("a")),
                new Epoch(8),
                Optional.of(new NodeId("a")),
                Set.of(new NodeId("c"), new NodeId("b")),
                true))
        .with(ResourceId.volume("vm"), ResourceRoleState.EMPTY.withHighest(new Epoch(3)));
  }

  @Test
  void missingFileIsEmptyState() throws IOException {
    assertThat(new FileRoleStateStore(dir.resolve("role.state")).load())
        .isEqualTo(PersistedRoleState.EMPTY);
  }

  @Test
  void roundTripsAcrossInstances() throws IOException {
    Path f = dir.resolve("sub/role.state");
    new FileRoleStateStore(f).save(sample());
    assertThat(new FileRoleStateStore(f).load()).isEqualTo(sample());
    assertThat(Files.readString(f)).startsWith("doppel-role-state 1\n");
    assertThat(Files.exists(dir.resolve("sub/role.state.tmp"))).isFalse();
  }

  @Test
  void corruptionAndUnknownVersionsAreRefused() throws IOException {
    Path f = dir.resolve("role.state");
    FileRoleStateStore store = new FileRoleStateStore(f);
    store.save(sample());
    String text = Files.readString(f);
    Files.writeString(f, text.replace(" 7 a ", " 9 a "), StandardCharsets.UTF_8);
    assertThatThrownBy(store::load).hasMessageContaining("checksum");
    Files.writeString(f, "doppel-role-state 2\ncrc32c 00000000\n");
    assertThatThrownBy(store::load).isInstanceOf(IOException.class);
    Files.writeString(f, "garbage");
    assertThatThrownBy(store::load).hasMessageContaining("not a doppel role state");
  }

  @Test
  void aLeftoverTempFileDoesNotMatter() throws IOException {
    Path f = dir.resolve("role.state");
    Files.writeString(dir.resolve("role.state.tmp"), "half written");
    FileRoleStateStore store = new FileRoleStateStore(f);
    store.save(sample());
    assertThat(store.load()).isEqualTo(sample());
  }
}
