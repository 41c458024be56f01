package io.doppel.nfs.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.fs.Caller;
import io.doppel.fs.ExportStore;
import io.doppel.nfs.Access;
import io.doppel.nfs.ClientMatch;
import io.doppel.nfs.ClientRule;
import io.doppel.nfs.NfsExport;
import io.doppel.nfs.Squash;
import io.doppel.rpc.Credential;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportTableTest {
  /** These tests never touch a store: any call fails the test. */
  static final ExportStore UNUSED =
      (ExportStore)
          Proxy.newProxyInstance(
              ExportStore.class.getClassLoader(),
              new Class<?>[] {ExportStore.class},
              (proxy, method, args) -> {
                throw new AssertionError("store not expected to be used: " + method.getName());
              });

  static ClientRule rule(String match, Access access, Squash squash) {
    return new ClientRule(ClientMatch.parse(match), access, squash, 65534, 65533);
  }

  @Test
  void pathsAreNormalisedAndClimbingOrRelativePathsRefused() {
    assertThat(ExportTable.normalise("/data/")).contains("/data");
    assertThat(ExportTable.normalise("//data//x")).contains("/data/x");
    assertThat(ExportTable.normalise("/")).contains("/");
    assertThat(ExportTable.normalise("data")).isEmpty();
    assertThat(ExportTable.normalise("/a/../b")).isEmpty();
    assertThat(ExportTable.normalise("/a/./b")).isEmpty();
  }

  @Test
  void firstMatchingRuleWins() throws Exception {
    NfsExport e =
        new NfsExport(
            "/data",
            1,
            UNUSED,
            List.of(
                rule("10.0.0.0/8", Access.READ_ONLY, Squash.ALL),
                rule("*", Access.READ_WRITE, Squash.NONE)));
    assertThat(ExportTable.ruleFor(e, InetAddress.getByName("10.1.1.1")).orElseThrow().access())
        .isEqualTo(Access.READ_ONLY);
    assertThat(ExportTable.ruleFor(e, InetAddress.getByName("192.168.1.1")).orElseThrow().access())
        .isEqualTo(Access.READ_WRITE);
    NfsExport closed =
        new NfsExport(
            "/data", 1, UNUSED, List.of(rule("10.0.0.0/8", Access.READ_ONLY, Squash.ALL)));
    assertThat(ExportTable.ruleFor(closed, InetAddress.getByName("192.168.1.1"))).isEmpty();
  }

  @Test
  void squashing() {
    Credential.Sys root = new Credential.Sys(0, "h", 0, 0, List.of(0, 5));
    Credential.Sys user = new Credential.Sys(0, "h", 1000, 100, List.of(5));
    assertThat(ExportTable.callerFor(rule("*", Access.READ_WRITE, Squash.NONE), root))
        .isEqualTo(new Caller(0, 0, List.of(0, 5)));
    assertThat(ExportTable.callerFor(rule("*", Access.READ_WRITE, Squash.ROOT), root))
        .isEqualTo(new Caller(65534, 65533, List.of(65533, 5)));
    assertThat(ExportTable.callerFor(rule("*", Access.READ_WRITE, Squash.ROOT), user))
        .isEqualTo(new Caller(1000, 100, List.of(5)));
    assertThat(ExportTable.callerFor(rule("*", Access.READ_WRITE, Squash.ALL), user))
        .isEqualTo(new Caller(65534, 65533, List.of()));
    assertThat(
            ExportTable.callerFor(rule("*", Access.READ_WRITE, Squash.NONE), new Credential.None()))
        .isEqualTo(new Caller(65534, 65533, List.of()));
  }

  @Test
  void duplicateIdsOrPathsAreRefused() {
    List<ClientRule> rules = List.of(rule("*", Access.READ_WRITE, Squash.NONE));
    assertThatThrownBy(
            () ->
                new ExportTable(
                    List.of(
                        new NfsExport("/a", 1, UNUSED, rules),
                        new NfsExport("/b", 1, UNUSED, rules))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate export id 1");
    assertThatThrownBy(
            () ->
                new ExportTable(
                    List.of(
                        new NfsExport("/a", 1, UNUSED, rules),
                        new NfsExport("/a/", 2, UNUSED, rules))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate export path");
  }
}
