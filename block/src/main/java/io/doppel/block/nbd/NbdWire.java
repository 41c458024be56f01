package io.doppel.block.nbd;

/**
 * Magic numbers, option codes, reply types and flag bits of the NBD protocol (NetworkBlockDevice
 * {@code doc/proto.md}: "Fixed newstyle negotiation", "Values", "Transmission phase"; codes of the
 * INFO and WRITE_ZEROES extensions as merged upstream). All values are big-endian on the wire.
 */
final class NbdWire {
  private NbdWire() {}

  /** "NBDMAGIC", the first 8 bytes the server sends. */
  static final long NBDMAGIC = 0x4e42444d41474943L;

  /** "IHAVEOPT": server greeting and the prefix of every client option. */
  static final long IHAVEOPT = 0x49484156454F5054L;

  /** Prefix of every option reply (fixed newstyle). */
  static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;

  static final int REQUEST_MAGIC = 0x25609513;
  static final int SIMPLE_REPLY_MAGIC = 0x67446698;
  static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;

  /** Request header: magic 4, flags 2, type 2, handle 8, offset 8, length 4. */
  static final int REQUEST_HEADER_BYTES = 28;

  /** Option header after the client flags: magic 8, option 4, length 4. */
  static final int OPTION_HEADER_BYTES = 16;

  // Handshake flags (server) and client flags.
  static final int FLAG_FIXED_NEWSTYLE = 1;
  static final int FLAG_NO_ZEROES = 1 << 1;
  static final int FLAG_C_FIXED_NEWSTYLE = 1;
  static final int FLAG_C_NO_ZEROES = 1 << 1;

  // Options.
  static final int OPT_EXPORT_NAME = 1;
  static final int OPT_ABORT = 2;
  static final int OPT_LIST = 3;
  static final int OPT_STARTTLS = 5;
  static final int OPT_INFO = 6;
  static final int OPT_GO = 7;
  static final int OPT_STRUCTURED_REPLY = 8;

  // Option reply types.
  static final int REP_ACK = 1;
  static final int REP_SERVER = 2;
  static final int REP_INFO = 3;
  static final int REP_ERR_UNSUP = 0x80000001;
  static final int REP_ERR_POLICY = 0x80000002;
  static final int REP_ERR_INVALID = 0x80000003;
  static final int REP_ERR_UNKNOWN = 0x80000006;
  static final int REP_ERR_TOO_BIG = 0x80000009;

  // NBD_REP_INFO types.
  static final int INFO_EXPORT = 0;
  static final int INFO_NAME = 1;
  static final int INFO_DESCRIPTION = 2;
  static final int INFO_BLOCK_SIZE = 3;

  // Transmission flags.
  static final int TFLAG_HAS_FLAGS = 1;
  static final int TFLAG_READ_ONLY = 1 << 1;
  static final int TFLAG_SEND_FLUSH = 1 << 2;
  static final int TFLAG_SEND_FUA = 1 << 3;
  static final int TFLAG_SEND_TRIM = 1 << 5;
  static final int TFLAG_SEND_WRITE_ZEROES = 1 << 6;
  static final int TFLAG_SEND_DF = 1 << 7;
  static final int TFLAG_CAN_MULTI_CONN = 1 << 8;

  // Command flags.
  static final int CMD_FLAG_FUA = 1;
  static final int CMD_FLAG_NO_HOLE = 1 << 1;
  static final int CMD_FLAG_DF = 1 << 2;

  // Structured replies.
  static final int REPLY_FLAG_DONE = 1;
  static final int REPLY_TYPE_NONE = 0;
  static final int REPLY_TYPE_OFFSET_DATA = 1;
  static final int REPLY_TYPE_ERROR = 0x8001;

  /** Longest string the spec allows (export names, messages): 4096 bytes. */
  static final int MAX_STRING_BYTES = 4096;

  /**
   * Longest option payload we buffer: NBD_OPT_GO carries a 4-byte length, a name of at most 4096
   * bytes, a 2-byte count and 2 bytes per info request. Anything longer is skipped without
   * buffering and answered NBD_REP_ERR_TOO_BIG.
   */
  static final int MAX_OPTION_BYTES = 8192;
}
