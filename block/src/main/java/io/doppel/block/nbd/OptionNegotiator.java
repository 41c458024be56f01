package io.doppel.block.nbd;

import io.doppel.block.volume.Volume;
import io.doppel.block.volume.VolumeLookup;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Option haggling of one connection (NBD proto.md, "Option types", and the INFO extension for
 * NBD_OPT_INFO / NBD_OPT_GO): pure logic, no Netty, so it is tested directly. Remembers whether
 * structured replies were negotiated.
 *
 * <p>TLS is not offered (NOTLS mode): NBD_OPT_STARTTLS gets NBD_REP_ERR_POLICY. Metadata contexts
 * (BLOCK_STATUS) are not offered: those options get NBD_REP_ERR_UNSUP, which clients handle.
 */
final class OptionNegotiator {
  private final VolumeLookup volumes;
  private final int maxRequestBytes;
  private final NbdStats stats;
  private boolean structuredReplies;

  OptionNegotiator(VolumeLookup volumes, int maxRequestBytes, NbdStats stats) {
    this.volumes = volumes;
    this.maxRequestBytes = maxRequestBytes;
    this.stats = stats;
  }

  OptionOutcome handle(int option, byte[] data) {
    return switch (option) {
      case NbdWire.OPT_EXPORT_NAME -> exportName(data);
      case NbdWire.OPT_ABORT -> new OptionOutcome.Abort(List.of(OptionReply.ack(option)));
      case NbdWire.OPT_LIST -> list(data);
      case NbdWire.OPT_STARTTLS ->
          refuse(option, NbdWire.REP_ERR_POLICY, NbdError.OPTION_POLICY, "TLS is not offered");
      case NbdWire.OPT_INFO, NbdWire.OPT_GO -> info(option, data);
      case NbdWire.OPT_STRUCTURED_REPLY -> structuredReply(data);
      default ->
          refuse(option, NbdWire.REP_ERR_UNSUP, NbdError.OPTION_UNSUPPORTED, "unsupported option");
    };
  }

  /** An option whose payload was too long to buffer (already skipped by the decoder). */
  OptionOutcome oversized(int option) {
    stats.error(NbdError.OPTION_TOO_BIG);
    if (option == NbdWire.OPT_EXPORT_NAME) {
      return new OptionOutcome.Close(NbdError.OPTION_TOO_BIG); // EXPORT_NAME cannot be refused
    }
    return new OptionOutcome.Continue(
        List.of(OptionReply.error(option, NbdWire.REP_ERR_TOO_BIG, "option data too long")));
  }

  private OptionOutcome refuse(int option, int replyType, NbdError kind, String message) {
    stats.error(kind);
    return new OptionOutcome.Continue(List.of(OptionReply.error(option, replyType, message)));
  }

  private OptionOutcome exportName(byte[] data) {
    Optional<Volume> volume = decodeName(data).flatMap(volumes::find);
    if (volume.isEmpty()) {
      stats.error(NbdError.UNKNOWN_EXPORT);
      return new OptionOutcome.Close(NbdError.UNKNOWN_EXPORT);
    }
    // Structured replies are only valid after NBD_OPT_GO (proto.md, NBD_OPT_STRUCTURED_REPLY).
    return new OptionOutcome.Transmission(
        List.of(), volume.get(), transmissionFlags(volume.get(), false), false, true);
  }

  private OptionOutcome list(byte[] data) {
    int option = NbdWire.OPT_LIST;
    if (data.length != 0) {
      return refuse(option, NbdWire.REP_ERR_INVALID, NbdError.OPTION_INVALID, "LIST takes no data");
    }
    List<OptionReply> replies = new ArrayList<>();
    for (String name : volumes.names()) {
      byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
      ByteBuffer payload = ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes);
      replies.add(new OptionReply(option, NbdWire.REP_SERVER, payload.array()));
    }
    replies.add(OptionReply.ack(option));
    return new OptionOutcome.Continue(replies);
  }

  private OptionOutcome structuredReply(byte[] data) {
    int option = NbdWire.OPT_STRUCTURED_REPLY;
    if (data.length != 0) {
      return refuse(
          option, NbdWire.REP_ERR_INVALID, NbdError.OPTION_INVALID, "option takes no data");
    }
    structuredReplies = true;
    return new OptionOutcome.Continue(List.of(OptionReply.ack(option)));
  }

  /** NBD_OPT_INFO and NBD_OPT_GO share their request and replies; GO then enters transmission. */
  private OptionOutcome info(int option, byte[] data) {
    InfoRequest request = InfoRequest.parse(data);
    if (request == null) {
      return refuse(
          option, NbdWire.REP_ERR_INVALID, NbdError.OPTION_INVALID, "malformed INFO/GO request");
    }
    Optional<Volume> found = decodeName(request.name()).flatMap(volumes::find);
    if (found.isEmpty()) {
      return refuse(option, NbdWire.REP_ERR_UNKNOWN, NbdError.UNKNOWN_EXPORT, "no such export");
    }
    Volume volume = found.get();
    int flags = transmissionFlags(volume, structuredReplies);
    List<OptionReply> replies = new ArrayList<>();
    replies.add(info(option, exportInfo(volume, flags)));
    if (request.wants(NbdWire.INFO_NAME)) {
      byte[] name = volume.name().getBytes(StandardCharsets.UTF_8);
      replies.add(info(option, ByteBuffer.allocate(2 + name.length).putShort((short) 1).put(name)));
    }
    // Sent whether asked for or not (qemu-nbd does the same); minimum 1 keeps it harmless.
    replies.add(info(option, blockSizeInfo(volume)));
    replies.add(OptionReply.ack(option));
    if (option == NbdWire.OPT_INFO) {
      return new OptionOutcome.Continue(replies);
    }
    return new OptionOutcome.Transmission(replies, volume, flags, structuredReplies, false);
  }

  private static OptionReply info(int option, ByteBuffer payload) {
    return new OptionReply(option, NbdWire.REP_INFO, payload.array());
  }

  private static ByteBuffer exportInfo(Volume volume, int flags) {
    return ByteBuffer.allocate(12)
        .putShort((short) NbdWire.INFO_EXPORT)
        .putLong(volume.sizeBytes())
        .putShort((short) flags);
  }

  private ByteBuffer blockSizeInfo(Volume volume) {
    return ByteBuffer.allocate(14)
        .putShort((short) NbdWire.INFO_BLOCK_SIZE)
        .putInt(1)
        .putInt(volume.blockSize())
        .putInt(maxRequestBytes);
  }

  /**
   * The transmission flags we can honour. CAN_MULTI_CONN is true: every connection to a volume
   * shares one {@link Volume} instance (and its read cache), a reply is sent only after the write
   * reached that shared instance, and FLUSH/FUA force the one file all connections write to.
   */
  static int transmissionFlags(Volume volume, boolean structuredReplies) {
    int flags =
        NbdWire.TFLAG_HAS_FLAGS
            | NbdWire.TFLAG_SEND_FLUSH
            | NbdWire.TFLAG_SEND_FUA
            | NbdWire.TFLAG_CAN_MULTI_CONN;
    if (volume.readOnly()) {
      flags |= NbdWire.TFLAG_READ_ONLY;
    } else {
      flags |= NbdWire.TFLAG_SEND_TRIM | NbdWire.TFLAG_SEND_WRITE_ZEROES;
    }
    if (structuredReplies) {
      flags |= NbdWire.TFLAG_SEND_DF; // a read is always answered with one data chunk
    }
    return flags;
  }

  /** Strict UTF-8 without NUL (proto.md, "strings"); anything else names no export. */
  private static Optional<String> decodeName(byte[] bytes) {
    if (bytes.length > NbdWire.MAX_STRING_BYTES) {
      return Optional.empty();
    }
    try {
      String name =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return name.indexOf('\0') >= 0 ? Optional.empty() : Optional.of(name);
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
