package io.doppel.server.admin;

/**
 * The admin endpoint's mirrored-volume commands ({@code POST /volume/promote?name=V}, {@code POST
 * /volume/demote?name=V}), served by the node's mirror wiring (ISSUE3 "Operations").
 */
public interface VolumeActions {
  /** Makes this node the volume's primary in a new epoch and serves it over NBD. */
  AdminActions.Result promote(String volume);

  /** Stops serving the volume here and makes this node its backup. */
  AdminActions.Result demote(String volume);

  /**
   * After a split brain: this node (the volume's primary) survives, {@code discardNode}'s diverged
   * replica is overwritten by a full copy from here.
   */
  AdminActions.Result resync(String volume, String discardNode);

  /**
   * Starts an online verify of the volume, which this node must serve as primary (REPLICATION.md
   * "Verify"): 202 when started, 409 when one runs or this node is not the primary, 404 when the
   * volume is not mirrored here. {@code rateBytesPerSecond}: 0 = unlimited, negative = default.
   */
  default AdminActions.Result verify(String volume, boolean repair, long rateBytesPerSecond) {
    return new AdminActions.Result(404, "no mirrored volume " + volume + " on this node");
  }

  /** The latest verify of the volume on this node (running or finished), if any. */
  default java.util.Optional<io.doppel.block.mirror.verify.VerifyReport> verifyReport(
      String volume) {
    return java.util.Optional.empty();
  }
}
