package io.doppel.block.nbd;

/**
 * Every error the block face counts, with the NBD error value sent for it (NBD proto.md, "Error
 * values"); 0 marks protocol violations that close the connection instead of getting a reply.
 */
public enum NbdError {
  /** A request we do not serve (e.g. NBD_CMD_CACHE, BLOCK_STATUS): EINVAL. */
  UNKNOWN_COMMAND(22),
  /** A command flag not defined for the command or not negotiated: EINVAL. */
  BAD_FLAGS(22),
  /** A read, trim or zero past the end, or a read longer than the request cap: EINVAL. */
  OUT_OF_RANGE(22),
  /** A write past the end: ENOSPC, as the spec asks. */
  NO_SPACE(28),
  /** A write, trim or zero to a read-only export: EPERM. */
  READ_ONLY(1),
  /** The volume failed: EIO. */
  IO_ERROR(5),
  /** The worker pool queue was full: EIO, counted separately. */
  OVERLOADED(5),
  /** Request magic wrong: the stream is lost, connection closed. */
  BAD_REQUEST_MAGIC(0),
  /** A write longer than the hard cap: closed before allocating. */
  REQUEST_TOO_LONG(0),
  /** Option magic wrong: connection closed. */
  BAD_OPTION_MAGIC(0),
  /** Unknown client flag bits: connection closed (the spec says MUST). */
  BAD_CLIENT_FLAGS(0),
  /** Option payload over the cap: skipped unbuffered, NBD_REP_ERR_TOO_BIG. */
  OPTION_TOO_BIG(0),
  /** An option we do not implement: NBD_REP_ERR_UNSUP. */
  OPTION_UNSUPPORTED(0),
  /** A malformed option payload: NBD_REP_ERR_INVALID. */
  OPTION_INVALID(0),
  /** STARTTLS refused by policy (no TLS): NBD_REP_ERR_POLICY. */
  OPTION_POLICY(0),
  /** An export name we do not have: NBD_REP_ERR_UNKNOWN, or close after NBD_OPT_EXPORT_NAME. */
  UNKNOWN_EXPORT(0),
  /** Data after NBD_CMD_DISC or other stream misuse. */
  PROTOCOL(0);

  /** The value in a reply's error field (0 when no reply is sent). */
  final int wireValue;

  NbdError(int wireValue) {
    this.wireValue = wireValue;
  }

  String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
