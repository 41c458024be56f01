package io.doppel.cluster;

/** A node's role for one resource. One transition method: {@link StateMachine#moveTo}. */
public enum Role implements StateMachine.State<Role> {
  /** Not the holder; ready to become a candidate when the rules say so. */
  FOLLOWER,
  /** Asking the voters for a lease in a new epoch. */
  CANDIDATE,
  /** Has the votes it can get and waits for the fencing hook to power off the partner. */
  FENCING,
  /** Holds a valid lease: the only node that may accept writes for the resource. */
  PRIMARY,
  /** Refuses the role (maintenance mode); still votes. */
  MAINTENANCE;

  @Override
  public boolean canMoveTo(Role next) {
    return switch (this) {
      case FOLLOWER -> next == CANDIDATE || next == MAINTENANCE;
      case CANDIDATE ->
          next == FOLLOWER || next == FENCING || next == PRIMARY || next == MAINTENANCE;
      case FENCING -> next == FOLLOWER || next == PRIMARY || next == MAINTENANCE;
      case PRIMARY -> next == FOLLOWER || next == MAINTENANCE;
      case MAINTENANCE -> next == FOLLOWER;
    };
  }
}
