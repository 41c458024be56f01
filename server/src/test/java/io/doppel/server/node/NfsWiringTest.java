package io.doppel.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.nfs.Access;
import io.doppel.nfs.ClientRule;
import io.doppel.nfs.Squash;
import io.doppel.rpc.portmap.PortmapMode;
import io.doppel.server.config.ClientAccess;
import io.doppel.server.config.ClientRuleConfig;
import io.doppel.server.config.ClientSquash;
import io.doppel.server.config.ConfigException;
import io.doppel.server.config.PortmapSetting;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NfsWiringTest {
  @TempDir Path dir;

  @Test
  void theNfsModulesParserRejectsABadCidrWithTheKeyPath() throws Exception {
    Path file = dir.resolve("doppel.toml");
    Files.writeString(
        file,
        """
        [node]
        name = "n"
        data_dir = "/d"
        [[exports]]
        path = "/data"
        id = 1
          [[exports.clients]]
          match = "10.0.0.0/33"
        """);
    assertThatThrownBy(() -> NfsWiring.configLoader().load(file))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.errors())
                    .singleElement()
                    .asString()
                    .startsWith(
                        file
                            + ": exports[0].clients[0].match: expected \"*\", a CIDR, an IP"
                            + " address or a host name, got \"10.0.0.0/33\" ("));
  }

  @Test
  void mapsRulesAndPortmapModes() throws Exception {
    ClientRule rule =
        NfsWiring.rule(
            new ClientRuleConfig("10.0.0.0/8", ClientAccess.READ_WRITE, ClientSquash.ALL, 7, 8));
    assertThat(rule.access()).isEqualTo(Access.READ_WRITE);
    assertThat(rule.squash()).isEqualTo(Squash.ALL);
    assertThat(rule.anonUid()).isEqualTo(7);
    assertThat(rule.anonGid()).isEqualTo(8);
    assertThat(rule.match().matches(InetAddress.getByName("10.1.2.3"))).isTrue();
    assertThat(rule.match().matches(InetAddress.getByName("11.1.2.3"))).isFalse();
    for (PortmapSetting s : PortmapSetting.values()) {
      assertThat(NfsWiring.portmap(s)).isEqualTo(PortmapMode.valueOf(s.name()));
    }
  }
}
