package io.doppel.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block face's keys: {@code [nbd]} and {@code [[volumes]]}, TOML and YAML, and every error. */
class BlockConfigTest {
  private static final String BASE =
      """
      [node]
      name = "n1"
      data_dir = "data"
      [[exports]]
      path = "/data"
      id = 1
        [[exports.clients]]
        match = "*"
      """;

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private DoppelConfig load(String toml) throws Exception {
    return new ConfigLoader(ConfigLoaderTest.MATCHES).load(write("doppel.toml", BASE + toml));
  }

  /** Every error, with the file prefix removed ({@code toml} goes after the base config). */
  private List<String> errors(String toml) throws IOException {
    return errorsOf(BASE + toml);
  }

  private List<String> errorsOf(String text) throws IOException {
    Path file = write("doppel.toml", text);
    try {
      new ConfigLoader(ConfigLoaderTest.MATCHES).load(file);
    } catch (ConfigException e) {
      String prefix = file + ": ";
      assertThat(e.errors()).allSatisfy(line -> assertThat(line).startsWith(prefix));
      return e.errors().stream().map(l -> l.substring(prefix.length())).toList();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void withoutVolumesOrNbdTheBlockFaceIsOffWithDefaults() throws Exception {
    DoppelConfig c = load("");
    assertThat(c.volumes()).isEmpty();
    assertThat(c.nbd())
        .isEqualTo(new NbdConfig(false, InetAddress.getByName("0.0.0.0"), 10809, 32 << 20, 8));
  }

  @Test
  void aVolumeAloneTurnsTheNbdServerOnWithDefaults() throws Exception {
    DoppelConfig c = load("[[volumes]]\nname = \"vm-1\"\nsize = \"64M\"\n");
    assertThat(c.nbd().enabled()).isTrue();
    assertThat(c.nbd().port()).isEqualTo(10809);
    assertThat(c.volumes())
        .containsExactly(
            new VolumeConfig(
                "vm-1", 64L << 20, dir.resolve("data/volumes/vm-1.img"), false, 64L << 20));
  }

  @Test
  void anEmptyNbdTableTurnsTheServerOnWithoutVolumes() throws Exception {
    DoppelConfig c = load("[nbd]\n");
    assertThat(c.nbd().enabled()).isTrue();
    assertThat(c.volumes()).isEmpty();
  }

  @Test
  void readsEveryKey() throws Exception {
    DoppelConfig c =
        load(
            """
            [nbd]
            bind = "127.0.0.1"
            port = 0
            max_request_bytes = "8M"
            workers = 3
            [[volumes]]
            name = "A.b_c-1"
            size = 10737418240
            path = "img/a.img"
            read_only = true
            cache_bytes = 0
            [[volumes]]
            name = "two"
            size = "1G"
            cache_bytes = "128K"
            """);
    assertThat(c.nbd())
        .isEqualTo(new NbdConfig(true, InetAddress.getByName("127.0.0.1"), 0, 8 << 20, 3));
    assertThat(c.volumes())
        .containsExactly(
            new VolumeConfig("A.b_c-1", 10L << 30, dir.resolve("img/a.img"), true, 0),
            new VolumeConfig(
                "two", 1L << 30, dir.resolve("data/volumes/two.img"), false, 128 << 10));
    assertThat(c.volume("two")).isPresent();
    assertThat(c.volume("three")).isEmpty();
  }

  @Test
  void sizeUnitsAreBinaryAndAcceptIbAndB() {
    assertThat(ByteSize.parse("512")).isEqualTo(512);
    assertThat(ByteSize.parse("512B")).isEqualTo(512);
    assertThat(ByteSize.parse("4k")).isEqualTo(4096);
    assertThat(ByteSize.parse("64M")).isEqualTo(64L << 20);
    assertThat(ByteSize.parse("64MiB")).isEqualTo(64L << 20);
    assertThat(ByteSize.parse("10GB")).isEqualTo(10L << 30);
    assertThat(ByteSize.parse("2T")).isEqualTo(2L << 40);
    assertThatThrownBy(() -> ByteSize.parse("1.5G")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ByteSize.parse("-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ByteSize.parse("10X")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ByteSize.parse("99999999999T"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("too large");
  }

  @Test
  void anExistingImageNeedsNoSize() throws Exception {
    Path image = Files.write(dir.resolve("existing.img"), new byte[4096]);
    DoppelConfig c = load("[[volumes]]\nname = \"old\"\npath = \"existing.img\"\n");
    assertThat(c.volumes()).containsExactly(new VolumeConfig("old", 0, image, false, 64L << 20));
  }

  @Test
  void reportsBadNbdValues() throws Exception {
    assertThat(
            errors(
                """
                [nbd]
                bind = "localhost"
                port = 65536
                max_request_bytes = "1K"
                workers = 0
                colour = "blue"
                """))
        .containsExactly(
            "nbd.colour: unknown key (expected one of bind, port, max_request_bytes, workers)",
            "nbd.bind: expected an IP address like \"0.0.0.0\", \"127.0.0.1\" or \"::\", got"
                + " \"localhost\"",
            "nbd.port: expected an integer 0..65535, got 65536",
            "nbd.max_request_bytes: expected a size 4096..268435456 (4K..256M), got 1024",
            "nbd.workers: expected an integer 1..1024, got 0");
    assertThat(errorsOf("nbd = 5\n" + BASE)).containsExactly("nbd: expected a table, got 5");
  }

  @Test
  void reportsEveryBadVolumeKey() throws Exception {
    assertThat(
            errors(
                """
                [[volumes]]
                name = "bad name"
                size = "lots"
                read_only = "yes"
                cache_bytes = 1000
                flavour = 1
                [[volumes]]
                size = 1000
                [[volumes]]
                name = "big"
                size = "1X"
                path = ""
                """))
        .containsExactly(
            "volumes[0].flavour: unknown key (expected one of name, size, path, read_only,"
                + " cache_bytes, nodes, role)",
            "volumes[0].name: expected a volume name matching [A-Za-z0-9._-]{1,64}, got \"bad"
                + " name\"",
            "volumes[0].size: expected a size like 1073741824, \"64M\", \"10G\" (K, M, G, T ="
                + " 1024^n), got \"lots\"",
            "volumes[0].read_only: expected true or false, got \"yes\"",
            "volumes[0].cache_bytes: expected 0 (no cache) or at least 65536 bytes (one cache"
                + " page), got 1000",
            "volumes[1].name: required key is missing, expected a volume name matching"
                + " [A-Za-z0-9._-]{1,64}",
            "volumes[1].size: expected a positive multiple of 512 bytes, got 1000",
            "volumes[2].path: expected a file or block device path, got \"\"",
            "volumes[2].size: expected a size like 1073741824, \"64M\", \"10G\" (K, M, G, T ="
                + " 1024^n), got \"1X\"");
  }

  @Test
  void reportsARepeatedNodeInAVolumesNodeList() throws Exception {
    assertThat(errors("[[volumes]]\nname = \"v\"\nsize = \"8K\"\nnodes = [\"a\", \"a\"]\n"))
        .containsExactly("volumes[0].nodes: expected at most 256 distinct node names, got [a, a]");
  }

  @Test
  void reportsAMissingSizeForANewImage() throws Exception {
    assertThat(errors("[[volumes]]\nname = \"v\"\n"))
        .containsExactly(
            "volumes[0].size: required key is missing, expected a size like 1073741824, \"64M\","
                + " \"10G\" (K, M, G, T = 1024^n) (needed because "
                + dir.resolve("data/volumes/v.img")
                + " does not exist yet)");
    assertThat(errors("[[volumes]]\nname = \"v\"\nsize = 0\n"))
        .containsExactly("volumes[0].size: expected a positive multiple of 512 bytes, got 0");
  }

  @Test
  void reportsASizeThatContradictsTheExistingImage() throws Exception {
    Path image = Files.write(dir.resolve("existing.img"), new byte[4096]);
    assertThat(errors("[[volumes]]\nname = \"v\"\nsize = \"8K\"\npath = \"existing.img\"\n"))
        .containsExactly(
            "volumes[0].size: 8192 bytes does not match the existing " + image + " (4096)");
  }

  @Test
  void reportsDuplicateNamesAndPaths() throws Exception {
    assertThat(
            errors(
                """
                [[volumes]]
                name = "a"
                size = "1M"
                [[volumes]]
                name = "a"
                size = "1M"
                [[volumes]]
                name = "b"
                size = "1M"
                path = "data/volumes/a.img"
                """))
        .containsExactly(
            "volumes[1].name: duplicate volume name \"a\" (also at volumes[0].name)",
            "volumes[2].path: duplicate volume path "
                + dir.resolve("data/volumes/a.img")
                + " (also at volumes[0].path)");
    assertThat(errorsOf("volumes = 3\n" + BASE))
        .containsExactly("volumes: expected an array of tables ([[volumes]]), got 3");
  }

  @Test
  void yamlUsesTheSameKeysAndKeyPaths() throws Exception {
    String yaml =
        """
        node:
          name: n1
          data_dir: data
        exports:
          - path: /data
            id: 1
            clients:
              - match: "*"
        nbd:
          port: 10810
        volumes:
          - name: y1
            size: 64M
            read_only: true
          - name: y2
            size: 2048
            cache_bytes: 0
        """;
    DoppelConfig c = new ConfigLoader(ConfigLoaderTest.MATCHES).load(write("d.yaml", yaml));
    assertThat(c.nbd().port()).isEqualTo(10810);
    assertThat(c.volumes())
        .containsExactly(
            new VolumeConfig("y1", 64L << 20, dir.resolve("data/volumes/y1.img"), true, 64L << 20),
            new VolumeConfig("y2", 2048, dir.resolve("data/volumes/y2.img"), false, 0));
    Path bad = write("bad.yaml", yaml.replace("size: 2048", "size: -4"));
    assertThatThrownBy(() -> new ConfigLoader(ConfigLoaderTest.MATCHES).load(bad))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            bad
                + ": volumes[1].size: expected a size like 1073741824, \"64M\", \"10G\" (K, M, G,"
                + " T = 1024^n), got -4");
  }
}
