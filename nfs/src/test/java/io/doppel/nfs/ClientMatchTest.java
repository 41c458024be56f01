package io.doppel.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientMatchTest {
  static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void starMatchesEveryone() throws Exception {
    ClientMatch m = ClientMatch.parse("*");
    assertThat(m).isInstanceOf(ClientMatch.Anyone.class);
    assertThat(m.matches(ip("8.8.8.8"))).isTrue();
    assertThat(m.matches(ip("::1"))).isTrue();
  }

  @Test
  void ipv4Cidr() throws Exception {
    ClientMatch m = ClientMatch.parse("10.1.0.0/15");
    assertThat(m.matches(ip("10.0.255.255"))).isTrue();
    assertThat(m.matches(ip("10.1.2.3"))).isTrue();
    assertThat(m.matches(ip("10.2.0.0"))).isFalse();
    assertThat(m.matches(ip("::1"))).isFalse();
    assertThat(ClientMatch.parse("0.0.0.0/0").matches(ip("1.2.3.4"))).isTrue();
    assertThat(m.text()).isEqualTo("10.1.0.0/15");
  }

  @Test
  void ipv6CidrAndSingleAddresses() throws Exception {
    assertThat(ClientMatch.parse("::1/128").matches(ip("::1"))).isTrue();
    assertThat(ClientMatch.parse("::1/128").matches(ip("::2"))).isFalse();
    ClientMatch net = ClientMatch.parse("fd00:ab::/32");
    assertThat(net.matches(ip("fd00:ab:ffff::1"))).isTrue();
    assertThat(net.matches(ip("fd00:ac::1"))).isFalse();
    assertThat(net.matches(ip("10.0.0.1"))).isFalse();
    ClientMatch single = ClientMatch.parse("192.168.1.7");
    assertThat(single.matches(ip("192.168.1.7"))).isTrue();
    assertThat(single.matches(ip("192.168.1.8"))).isFalse();
  }

  @Test
  void hostNameResolvesOnce() throws Exception {
    ClientMatch m = ClientMatch.parse("localhost");
    assertThat(m).isInstanceOf(ClientMatch.Host.class);
    assertThat(m.matches(ip("127.0.0.1")) || m.matches(ip("::1"))).isTrue();
    assertThat(m.matches(ip("10.9.9.9"))).isFalse();
    assertThat(m.text()).isEqualTo("localhost");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "10.0.0.0/33",
        "::1/129",
        "10.0.0.0/x",
        "10.0.0.256",
        "abc/8",
        "foo bar",
        "-bad-",
        "10.0.0.0/-1",
        "1:2:3:zz::/64"
      })
  void garbageIsAClearIllegalArgument(String text) {
    assertThatThrownBy(() -> ClientMatch.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("client match")
        .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
  }

  @Test
  void unknownHostIsAClearIllegalArgument() {
    assertThatThrownBy(() -> ClientMatch.parse("no-such-host.invalid"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no-such-host.invalid");
  }
}
