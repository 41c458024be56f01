package io.doppel.block.nbd;

import io.doppel.block.volume.Volume;
import java.io.IOException;
import java.util.Locale;

/**
 * Decides, before any I/O, whether a request is refused and with which error (NBD proto.md, "Error
 * values"): unknown command or flag → EINVAL; read, trim or zero past the end → EINVAL (writes and
 * zeroes → ENOSPC, as the spec asks for writes); anything that changes a read-only export → EPERM;
 * a read longer than the request cap → EINVAL (nothing is allocated for it). Also maps exceptions
 * from the volume to errors, in this one place.
 */
final class RequestCheck {
  private RequestCheck() {}

  /** The refusal for this request, or null when it may run. */
  static NbdError refusal(
      NbdCommand command,
      RequestFrame.Request r,
      Volume volume,
      boolean structured,
      TransmissionContext context) {
    if (command == null) {
      return NbdError.UNKNOWN_COMMAND;
    }
    if ((r.flags() & ~allowedFlags(command, structured)) != 0) {
      return NbdError.BAD_FLAGS;
    }
    boolean inRange = r.offset() >= 0 && r.offset() <= volume.sizeBytes() - r.length();
    return switch (command) {
      case READ -> {
        if (r.length() > context.maxRequestBytes() || !inRange) {
          yield NbdError.OUT_OF_RANGE;
        }
        yield null;
      }
      case WRITE, WRITE_ZEROES -> {
        if (volume.readOnly()) {
          yield NbdError.READ_ONLY;
        }
        yield inRange ? null : NbdError.NO_SPACE;
      }
      case TRIM -> {
        if (volume.readOnly()) {
          yield NbdError.READ_ONLY;
        }
        yield inRange ? null : NbdError.OUT_OF_RANGE;
      }
      case FLUSH, DISC -> null;
    };
  }

  /**
   * FUA is accepted on every command (the spec says the server MUST accept it once SEND_FUA is
   * advertised); NO_HOLE only on WRITE_ZEROES; DF only on READ and only with structured replies.
   */
  static int allowedFlags(NbdCommand command, boolean structured) {
    int flags = NbdWire.CMD_FLAG_FUA;
    if (command == NbdCommand.WRITE_ZEROES) {
      flags |= NbdWire.CMD_FLAG_NO_HOLE;
    }
    if (command == NbdCommand.READ && structured) {
      flags |= NbdWire.CMD_FLAG_DF;
    }
    return flags;
  }

  /** Maps a failure of the volume to the error sent; the JDK gives no errno, only a message. */
  static NbdError classify(Throwable t) {
    if (t instanceof IllegalArgumentException) {
      return NbdError.OUT_OF_RANGE;
    }
    if (t instanceof IOException && t.getMessage() != null) {
      String m = t.getMessage().toLowerCase(Locale.ROOT);
      if (m.contains("no space left") || m.contains("quota") || m.contains("file too large")) {
        return NbdError.NO_SPACE; // proto.md: map EDQUOT and EFBIG to ENOSPC
      }
    }
    return NbdError.IO_ERROR;
  }
}
