package io.doppel.block.mirror;

/**
 * A role with the epoch it holds it in. Every replication message carries the epoch; a backup
 * refuses older ones, so a deposed primary is fenced (REPLICATION.md "Epochs").
 */
public record RoleAssignment(VolumeRole role, long epoch) {
  public RoleAssignment {
    if (role == null || epoch < 0) {
      throw new IllegalArgumentException("role required and epoch must be >= 0");
    }
  }
}
