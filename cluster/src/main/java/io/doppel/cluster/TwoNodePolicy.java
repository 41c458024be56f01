package io.doppel.cluster;

/**
 * What a two-node resource without a witness does when a node loses all contact with the primary.
 */
public enum TwoNodePolicy {
  /**
   * Seed 004: "a secondary server should not be promoted to an active primary state where all
   * communication with an active primary server is lost". Promotion needs both votes; the primary
   * keeps renewing on its own vote, so it survives the loss of its secondary.
   */
  NEVER_PROMOTE_ON_TOTAL_LOSS,
  /**
   * The survivor may promote on its own vote, but only after the {@link io.doppel.cluster.lease
   * .Fencer} reported that the partner is powered off.
   */
  PROMOTE_AFTER_FENCING
}
