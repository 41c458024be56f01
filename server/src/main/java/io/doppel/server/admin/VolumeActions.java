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
}
