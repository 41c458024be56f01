package io.doppel.block.mirror;

/**
 * What this node does for one mirrored volume (ISSUE3 "Mirrored volumes"): the PRIMARY serves NBD
 * and mirrors every write to its backups; a BACKUP applies the primary's records to its own image
 * and is not exported over NBD (a changing image under a read cache would serve stale data). Roles
 * are static for now; the cluster layer will move them with leases, each move taking a new epoch.
 */
public enum VolumeRole {
  PRIMARY,
  BACKUP
}
