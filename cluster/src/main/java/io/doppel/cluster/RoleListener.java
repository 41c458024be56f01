package io.doppel.cluster;

/** Told about role changes (the front ends start or stop serving, the VIP moves). */
@FunctionalInterface
public interface RoleListener {
  void roleChanged(ResourceId resource, Role from, Role to, Epoch epoch);
}
