package io.doppel.replication.wire;

/** Why a replica refused a message; each has a stable code on the wire. */
public enum RefuseReason {
  /** The message's epoch is older than one the replica has seen: a stale primary (SYSTEM.md 3). */
  STALE_EPOCH(1),
  /** A record's seq is past the next expected one; {@code expectedSeq} asks for catch-up. */
  GAP(2),
  /** The records contradict the replica's history: refuse, an operator chooses a survivor. */
  DIVERGED(3),
  /** A record failed its checksum; the sender should resend from {@code expectedSeq}. */
  CORRUPT(4),
  /** The replica's applier failed; it is fenced until repaired. */
  FAILED(5);

  private final int code;

  RefuseReason(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The reason for a wire code, or null when unknown. */
  public static RefuseReason fromCode(int code) {
    for (RefuseReason r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    return null;
  }
}
