package io.doppel.server.config;

import io.doppel.cluster.ClusterDefinition;
import io.doppel.cluster.events.EventsSettings;
import io.doppel.cluster.vip.VipCommands;
import io.doppel.cluster.vip.VirtualAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code [cluster]} section: the members and their links, the witness, the virtual servers
 * (each a resource of kind VIRTUAL_SERVER with a floating address) and the timings, already
 * validated as a {@link ClusterDefinition}.
 *
 * @param stateDir where the role state is persisted (default {@code data_dir/cluster})
 * @param fencingHook script run with the node to fence as {@code $1}; exit 0 = fenced
 * @param fencingTimeout how long the hook may run before it counts as failed
 * @param addresses the virtual servers' floating addresses
 * @param vipCommands command templates that add, announce and remove an address
 * @param vipCommandTimeout how long one of those commands may run
 * @param vipCheckInterval how often a held address is checked to still be on its interface (with
 *     {@code vipCommands.check()}); zero switches the check off
 * @param events where events go: the subscriber socket, hook scripts, SNMP trap managers
 */
public record ClusterConfig(
    Path stateDir,
    ClusterDefinition definition,
    Optional<Path> fencingHook,
    Duration fencingTimeout,
    List<VirtualAddress> addresses,
    VipCommands vipCommands,
    Duration vipCommandTimeout,
    Duration vipCheckInterval,
    EventsSettings events) {

  public ClusterConfig {
    addresses = List.copyOf(addresses);
  }
}
