package io.doppel.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  /** Stands in for the nfs module's ClientMatch.parse: refuses prefix lengths over 32. */
  static final ClientMatchValidator MATCHES =
      text -> {
        if (text.matches(".*/(3[3-9]|[4-9]\\d|\\d{3,})")) {
          throw new IllegalArgumentException("prefix length out of range 0..32");
        }
      };

  static final String FULL_TOML =
      """
      [node]
      name = "node1"
      data_dir = "/var/lib/doppel"

      [nfs]
      bind = "127.0.0.1"
      port = 2050
      udp = false
      portmap = "off"
      workers = 8
      max_record_bytes = 1048576

      [admin]
      bind = "127.0.0.1"
      port = 9181

      [security]
      handle_key_file = "/etc/doppel/key"

      [[exports]]
      path = "/data"
      id = 1
      directory = "/srv/data"
        [[exports.clients]]
        match = "127.0.0.0/8"
        access = "rw"
        squash = "none"
        anonuid = 1000
        anongid = 1001
        [[exports.clients]]
        match = "*"

      [[exports]]
      path = "/scratch/tmp"
      id = 2147483647
        [[exports.clients]]
        match = "10.0.0.0/8"
        access = "ro"
        squash = "all"
      """;

  static final String FULL_YAML =
      """
      node:
        name: node1
        data_dir: /var/lib/doppel
      nfs:
        bind: 127.0.0.1
        port: 2050
        udp: false
        portmap: "off"
        workers: 8
        max_record_bytes: 1048576
      admin:
        bind: 127.0.0.1
        port: 9181
      security:
        handle_key_file: /etc/doppel/key
      exports:
        - path: /data
          id: 1
          directory: /srv/data
          clients:
            - match: 127.0.0.0/8
              access: rw
              squash: none
              anonuid: 1000
              anongid: 1001
            - match: "*"
        - path: /scratch/tmp
          id: 2147483647
          clients:
            - match: 10.0.0.0/8
              access: ro
              squash: all
      """;

  static final String MINIMAL =
      """
      [node]
      name = "n1"
      data_dir = "/d"
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

  private DoppelConfig load(String name, String text) throws Exception {
    return new ConfigLoader(MATCHES).load(write(name, text));
  }

  /** Every error for a TOML file, with the file prefix removed for readability. */
  private List<String> errors(String toml) throws IOException {
    Path file = write("doppel.toml", toml);
    try {
      new ConfigLoader(MATCHES).load(file);
    } catch (ConfigException e) {
      String prefix = file + ": ";
      assertThat(e.errors()).allSatisfy(line -> assertThat(line).startsWith(file.toString()));
      return e.errors().stream()
          .map(l -> l.startsWith(prefix) ? l.substring(prefix.length()) : l)
          .toList();
    }
    throw new AssertionError("expected a ConfigException");
  }

  private void assertFull(DoppelConfig c) throws Exception {
    assertThat(c.node()).isEqualTo(new NodeConfig("node1", Path.of("/var/lib/doppel")));
    assertThat(c.nfs())
        .isEqualTo(
            new NfsConfig(
                InetAddress.getByName("127.0.0.1"), 2050, false, PortmapSetting.OFF, 8, 1048576));
    assertThat(c.admin()).isEqualTo(new AdminConfig(InetAddress.getByName("127.0.0.1"), 9181));
    assertThat(c.security().handleKeyFile()).isEqualTo(Path.of("/etc/doppel/key"));
    assertThat(c.exports())
        .containsExactly(
            new ExportConfig(
                "/data",
                1,
                Path.of("/srv/data"),
                List.of(
                    new ClientRuleConfig(
                        "127.0.0.0/8", ClientAccess.READ_WRITE, ClientSquash.NONE, 1000, 1001),
                    new ClientRuleConfig(
                        "*", ClientAccess.READ_ONLY, ClientSquash.ROOT, 65534, 65534))),
            new ExportConfig(
                "/scratch/tmp",
                Integer.MAX_VALUE,
                Path.of("/var/lib/doppel/exports/2147483647"),
                List.of(
                    new ClientRuleConfig(
                        "10.0.0.0/8", ClientAccess.READ_ONLY, ClientSquash.ALL, 65534, 65534))));
  }

  @Test
  void loadsAFullTomlFile() throws Exception {
    assertFull(load("doppel.toml", FULL_TOML));
  }

  @Test
  void loadsTheSameFileWrittenInYaml() throws Exception {
    assertFull(load("doppel.yaml", FULL_YAML));
    assertFull(load("doppel.yml", FULL_YAML));
  }

  @Test
  void appliesDefaultsAndResolvesRelativePathsAgainstTheFilesDirectory() throws Exception {
    DoppelConfig c =
        load(
            "doppel.toml",
            MINIMAL.replace("data_dir = \"/d\"", "data_dir = \"state\"")
                + "\n[security]\nhandle_key_file = \"keys/k\"\n");
    assertThat(c.node().dataDir()).isEqualTo(dir.resolve("state"));
    assertThat(c.security().handleKeyFile()).isEqualTo(dir.resolve("keys/k"));
    assertThat(c.exports().get(0).directory()).isEqualTo(dir.resolve("state/exports/1"));
    assertThat(c.nfs())
        .isEqualTo(
            new NfsConfig(
                InetAddress.getByName("0.0.0.0"), 2049, true, PortmapSetting.AUTO, 16, 4 << 20));
    assertThat(c.admin()).isEqualTo(new AdminConfig(InetAddress.getByName("127.0.0.1"), 9180));
    assertThat(c.exports().get(0).clients())
        .containsExactly(
            new ClientRuleConfig("*", ClientAccess.READ_ONLY, ClientSquash.ROOT, 65534, 65534));
  }

  @Test
  void defaultHandleKeyLivesInTheDataDirectory() throws Exception {
    assertThat(load("doppel.toml", MINIMAL).security().handleKeyFile())
        .isEqualTo(Path.of("/d/handle.key"));
  }

  @Test
  void reportsAMissingRequiredKey() throws Exception {
    assertThat(errors(MINIMAL.replace("name = \"n1\"\n", "")))
        .containsExactly(
            "node.name: required key is missing, expected a name matching [a-z0-9][a-z0-9-]* (at"
                + " most 63 characters)");
    assertThat(errors(MINIMAL.replace("id = 1\n", "")))
        .containsExactly(
            "exports[0].id: required key is missing, expected an integer 1..2147483647");
    assertThat(errors(MINIMAL.replace("  match = \"*\"\n", "")))
        .containsExactly(
            "exports[0].clients[0].match: required key is missing, expected \"*\", a CIDR, an IP"
                + " address or a host name");
  }

  @Test
  void reportsMissingSectionsAndEmptyClientLists() throws Exception {
    assertThat(errors("[nfs]\nport = 1\n"))
        .containsExactly(
            "node: required table is missing, expected [node] with name and data_dir",
            "exports: required key is missing, expected an array of tables ([[exports]])");
    assertThat(errors(MINIMAL.replace("  [[exports.clients]]\n  match = \"*\"\n", "")))
        .containsExactly(
            "exports[0].clients: required key is missing, expected an array of tables"
                + " ([[exports[0].clients]])");
  }

  @Test
  void reportsAWrongType() throws Exception {
    assertThat(errors(MINIMAL.replace("id = 1", "id = \"abc\"")))
        .containsExactly("exports[0].id: expected an integer 1..2147483647, got \"abc\"");
    assertThat(errors(MINIMAL + "[nfs]\nport = \"2049\"\nudp = \"yes\"\n"))
        .containsExactly(
            "nfs.port: expected an integer 0..65535, got \"2049\"",
            "nfs.udp: expected true or false, got \"yes\"");
    assertThat(errors(MINIMAL + "[admin]\nport = 1.5\n"))
        .containsExactly(
            "admin.port: expected an integer -1..65535 (0 = ephemeral, -1 = disabled), got 1.5");
    assertThat(errors("nfs = 3\n" + MINIMAL)).containsExactly("nfs: expected a table, got 3");
  }

  @Test
  void reportsOutOfRangeValues() throws Exception {
    assertThat(errors(MINIMAL.replace("id = 1", "id = 0")))
        .containsExactly("exports[0].id: expected an integer 1..2147483647, got 0");
    assertThat(errors(MINIMAL.replace("id = 1", "id = 2147483648")))
        .containsExactly("exports[0].id: expected an integer 1..2147483647, got 2147483648");
    assertThat(errors(MINIMAL + "[nfs]\nport = 65536\nworkers = 0\n"))
        .containsExactly(
            "nfs.port: expected an integer 0..65535, got 65536",
            "nfs.workers: expected an integer 1..1024, got 0");
    assertThat(errors(MINIMAL.replace("match = \"*\"", "match = \"*\"\nanonuid = -1")))
        .containsExactly(
            "exports[0].clients[0].anonuid: expected an integer 0..4294967295, got -1");
  }

  @Test
  void reportsABadClientMatchWithTheParsersReason() throws Exception {
    assertThat(errors(MINIMAL.replace("match = \"*\"", "match = \"10.0.0.0/33\"")))
        .containsExactly(
            "exports[0].clients[0].match: expected \"*\", a CIDR, an IP address or a host name,"
                + " got \"10.0.0.0/33\" (prefix length out of range 0..32)");
  }

  @Test
  void reportsUnknownKeysEverywhere() throws Exception {
    assertThat(errors(MINIMAL + "[nfs]\nprot = 2049\n"))
        .containsExactly(
            "nfs.prot: unknown key (expected one of bind, port, udp, portmap, workers,"
                + " max_record_bytes)");
    assertThat(errors("exprots = 1\n" + MINIMAL))
        .containsExactly(
            "exprots: unknown key (expected one of node, nfs, admin, security, exports, nbd,"
                + " volumes, cluster, replication)");
    assertThat(errors(MINIMAL.replace("match = \"*\"", "match = \"*\"\nsquah = \"none\"")))
        .containsExactly(
            "exports[0].clients[0].squah: unknown key (expected one of match, access, squash,"
                + " anonuid, anongid)");
  }

  @Test
  void reportsUnknownAccessAndSquashValues() throws Exception {
    assertThat(
            errors(
                MINIMAL.replace(
                    "match = \"*\"", "match = \"*\"\naccess = \"write\"\nsquash = \"nobody\"")))
        .containsExactly(
            "exports[0].clients[0].access: expected one of rw, ro, got \"write\"",
            "exports[0].clients[0].squash: expected one of none, root, all, got \"nobody\"");
    assertThat(errors(MINIMAL + "[nfs]\nportmap = \"yes\"\n"))
        .containsExactly("nfs.portmap: expected one of auto, own, register, off, got \"yes\"");
  }

  @Test
  void reportsDuplicateExportIdsAndPaths() throws Exception {
    String second =
        """
        [[exports]]
        path = "/data"
        id = 1
          [[exports.clients]]
          match = "*"
        """;
    assertThat(errors(MINIMAL + second))
        .containsExactly(
            "exports[1].id: duplicate export id 1 (also at exports[0].id)",
            "exports[1].path: duplicate export path \"/data\" (also at exports[0].path)",
            "exports[1].directory: duplicate export directory /d/exports/1 (also at"
                + " exports[0].directory)");
  }

  @Test
  void reportsBadNamesPathsAndAddresses() throws Exception {
    String bad =
        MINIMAL
                .replace("name = \"n1\"", "name = \"Node_1\"")
                .replace("path = \"/data\"", "path = \"data/\"")
            + "[admin]\nbind = \"localhost\"\n";
    assertThat(errors(bad))
        .containsExactly(
            "node.name: expected a name matching [a-z0-9][a-z0-9-]* (at most 63 characters), got"
                + " \"Node_1\"",
            "admin.bind: expected an IP address like \"0.0.0.0\", \"127.0.0.1\" or \"::\", got"
                + " \"localhost\"",
            "exports[0].path: expected an absolute path like \"/data\" (no trailing slash, no"
                + " empty, . or .. parts), got \"data/\"");
    for (String p : List.of("/a/../b", "/a//b", "/a/./b", "/a/")) {
      assertThat(errors(MINIMAL.replace("\"/data\"", "\"" + p + "\""))).hasSize(1);
    }
    assertThat(errors(MINIMAL + "[nfs]\nbind = \"300.1.1.1\"\n")).hasSize(1);
  }

  @Test
  void collectsAllErrorsTogether() throws Exception {
    String bad =
        MINIMAL.replace("id = 1", "id = \"abc\"").replace("match = \"*\"", "match = \"1.2.3.4/40\"")
            + "[nfs]\nport = -5\nextra = true\n";
    Path file = write("doppel.toml", bad);
    assertThatThrownBy(() -> new ConfigLoader(MATCHES).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file + ": nfs.extra: unknown key")
        .hasMessageContaining(file + ": nfs.port: expected an integer 0..65535, got -5")
        .hasMessageContaining(
            file + ": exports[0].id: expected an integer 1..2147483647, got \"abc\"")
        .hasMessageContaining(file + ": exports[0].clients[0].match: expected");
    assertThat(errors(bad)).hasSize(4);
  }

  @Test
  void yamlErrorsUseTheSameKeyPaths() throws Exception {
    Path file =
        write(
            "doppel.yaml",
            FULL_YAML.replace("id: 1\n", "id: abc\n").replace("udp: false", "udpp: false"));
    assertThatThrownBy(() -> new ConfigLoader(MATCHES).load(file))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        file
                            + ": nfs.udpp: unknown key (expected one of bind, port, udp, portmap,"
                            + " workers, max_record_bytes)",
                        file + ": exports[0].id: expected an integer 1..2147483647, got \"abc\""));
  }

  @Test
  void reportsSyntaxErrorsWithTheirPosition() throws Exception {
    assertThat(errors("[node\nname = 1\n"))
        .containsExactly(dir.resolve("doppel.toml") + ":1:6: Unexpected end of line, expected ]");
    Path yaml = write("bad.yaml", "node:\n  name: [unclosed\n");
    assertThatThrownBy(() -> new ConfigLoader(MATCHES).load(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(yaml + ":");
    Path dupKey = write("dup.yaml", "node:\n  name: a\n  name: b\n");
    assertThatThrownBy(() -> new ConfigLoader(MATCHES).load(dupKey))
        .hasMessageContaining("Duplicate field 'name'");
  }

  @Test
  void refusesUnknownFormatsAndMissingFiles() {
    Path ini = dir.resolve("doppel.ini");
    assertThatThrownBy(() -> new ConfigLoader(MATCHES).load(ini))
        .hasMessage(ini + ": unknown config format, expected a .toml, .yaml or .yml file");
    Path missing = dir.resolve("missing.toml");
    assertThatThrownBy(() -> new ConfigLoader(MATCHES).load(missing))
        .hasMessage(missing + ": no such file");
  }

  @Test
  void overridesReplacePortsAndPortmap() throws Exception {
    DoppelConfig c = load("doppel.toml", FULL_TOML);
    DoppelConfig o =
        new ConfigOverrides(OptionalInt.of(0), OptionalInt.of(-1), Optional.of(PortmapSetting.OWN))
            .apply(c);
    assertThat(o.nfs().port()).isZero();
    assertThat(o.nfs().portmap()).isEqualTo(PortmapSetting.OWN);
    assertThat(o.admin().enabled()).isFalse();
    assertThat(o.exports()).isEqualTo(c.exports());
    assertThat(ConfigOverrides.none().apply(c)).isEqualTo(c);
    assertThatThrownBy(
            () ->
                new ConfigOverrides(OptionalInt.of(70000), OptionalInt.empty(), Optional.empty())
                    .apply(c))
        .hasMessage("--nfs-port: expected an integer 0..65535, got 70000");
  }
}
