package io.doppel.cluster.events;

import io.doppel.cluster.ClusterEvent;
import io.doppel.cluster.ClusterEvent.FailoverNotConfigured;
import io.doppel.cluster.ClusterEvent.FencingFailed;
import io.doppel.cluster.ClusterEvent.LeaseLost;
import io.doppel.cluster.ClusterEvent.LinkFault;
import io.doppel.cluster.ClusterEvent.LinkRestored;
import io.doppel.cluster.ClusterEvent.MachineFailed;
import io.doppel.cluster.ClusterEvent.NodeDown;
import io.doppel.cluster.ClusterEvent.NodeUp;
import io.doppel.cluster.ClusterEvent.PartnerShutdown;
import io.doppel.cluster.ClusterEvent.QuorumLost;
import io.doppel.cluster.ClusterEvent.QuorumRegained;
import io.doppel.cluster.ClusterEvent.RoleChanged;
import io.doppel.cluster.ClusterEvent.VipFailed;
import io.doppel.cluster.ResourceId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Adapts the cluster's sealed {@link ClusterEvent}s to {@link DoppelEvent} without changing them.
 * The switch is exhaustive with no default: a new cluster event type does not compile until it is
 * mapped here. The peer a cluster event is about is published as {@code peer} (the envelope's
 * {@code node} is the reporter).
 */
public final class ClusterEvents {
  private ClusterEvents() {}

  /** The event as the pipeline sees it. */
  public static DoppelEvent adapt(ClusterEvent event) {
    return new Adapted(event.type(), event.reporter().name(), fieldsOf(event));
  }

  private record Adapted(String type, String node, Map<String, Object> fields)
      implements DoppelEvent {
    @Override
    public Optional<String> reporter() {
      return Optional.of(node);
    }
  }

  static Map<String, Object> fieldsOf(ClusterEvent event) {
    Map<String, Object> f = new LinkedHashMap<>();
    switch (event) {
      case NodeUp e -> f.put("peer", e.node().name());
      case NodeDown e -> f.put("peer", e.node().name());
      case PartnerShutdown e -> f.put("peer", e.node().name());
      case LinkFault e -> {
        f.put("peer", e.node().name());
        f.put("link", e.link().name());
      }
      case LinkRestored e -> {
        f.put("peer", e.node().name());
        f.put("link", e.link().name());
      }
      case MachineFailed e -> machineFailed(f, e);
      case FailoverNotConfigured e -> {
        f.put("resource", e.resource().toString());
        f.put("primary", e.primary().name());
      }
      case RoleChanged e -> {
        f.put("resource", e.resource().toString());
        f.put("from", e.from().name());
        f.put("to", e.to().name());
        f.put("epoch", e.epoch().value());
      }
      case LeaseLost e -> {
        f.put("resource", e.resource().toString());
        f.put("epoch", e.epoch().value());
      }
      case QuorumLost e -> f.put("resource", e.resource().toString());
      case QuorumRegained e -> f.put("resource", e.resource().toString());
      case FencingFailed e -> {
        f.put("resource", e.resource().toString());
        f.put("peer", e.node().name());
      }
      case VipFailed e -> {
        f.put("resource", e.resource().toString());
        f.put("address", e.address());
        f.put("operation", e.operation());
        f.put("exit_code", e.exitCode());
        f.put("timed_out", e.timedOut());
        f.put("failures", e.failures());
        f.put("action", e.action());
      }
    }
    return f;
  }

  /** Seed 003: the application is told which drives (here: exports, volumes...) it now serves. */
  private static void machineFailed(Map<String, Object> f, MachineFailed e) {
    f.put("peer", e.node().name());
    f.put("taken_over", e.takenOver().stream().map(ResourceId::toString).toList());
    f.put("exports", names(e.takenOver(), ResourceId.Kind.EXPORT));
    f.put("volumes", names(e.takenOver(), ResourceId.Kind.VOLUME));
    f.put("virtual_servers", names(e.takenOver(), ResourceId.Kind.VIRTUAL_SERVER));
  }

  private static List<String> names(List<ResourceId> resources, ResourceId.Kind kind) {
    return resources.stream().filter(r -> r.kind() == kind).map(ResourceId::name).toList();
  }
}
