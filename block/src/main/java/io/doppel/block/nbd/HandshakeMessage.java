package io.doppel.block.nbd;

/**
 * What the {@link HandshakeDecoder} hands the {@link HandshakeHandler} (NBD proto.md, "Handshake").
 */
sealed interface HandshakeMessage {

  /** The client's 32 flag bits, sent once after the server greeting. */
  record ClientFlags(int flags) implements HandshakeMessage {}

  /** One option with its payload (at most {@link NbdWire#MAX_OPTION_BYTES}). */
  record OptionRequest(int option, byte[] data) implements HandshakeMessage {}

  /** An option whose payload exceeded the cap; the payload was skipped, not buffered. */
  record OversizedOption(int option, long length) implements HandshakeMessage {}

  /** The option magic was wrong: the stream cannot be trusted any more. */
  record BadOptionMagic(long magic) implements HandshakeMessage {}
}
