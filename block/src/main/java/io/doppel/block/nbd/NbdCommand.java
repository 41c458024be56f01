package io.doppel.block.nbd;

/** Transmission-phase request types we serve (NBD proto.md, "Request types"). */
enum NbdCommand {
  /** Read {@code length} bytes at {@code offset}. */
  READ(0),
  /** Write the payload that follows the header. */
  WRITE(1),
  /** Soft disconnect: finish in-flight requests, then close; no reply. */
  DISC(2),
  /** Make every write replied to so far durable. */
  FLUSH(3),
  /** The range is no longer needed. */
  TRIM(4),
  /** Make the range read as zeroes (WRITE_ZEROES extension). */
  WRITE_ZEROES(6);

  final int code;

  NbdCommand(int code) {
    this.code = code;
  }

  /** The command for a wire type, or null for one we do not serve (answered EINVAL). */
  static NbdCommand of(int code) {
    for (NbdCommand c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return null;
  }

  String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
