package io.doppel.block.nbd;

import io.doppel.block.volume.Volume;
import java.util.List;

/** What the handshake handler must do after one option. */
sealed interface OptionOutcome {

  /** Send the replies and keep haggling. */
  record Continue(List<OptionReply> replies) implements OptionOutcome {}

  /**
   * Send the replies (NBD_OPT_GO), or the NBD_OPT_EXPORT_NAME reply when {@code exportName}, then
   * enter the transmission phase on {@code volume}.
   */
  record Transmission(
      List<OptionReply> replies,
      Volume volume,
      int transmissionFlags,
      boolean structuredReplies,
      boolean exportName)
      implements OptionOutcome {}

  /** Send the replies (an ACK to NBD_OPT_ABORT), then close. */
  record Abort(List<OptionReply> replies) implements OptionOutcome {}

  /** Hard disconnect without a reply (the spec gives no way to refuse). */
  record Close(NbdError reason) implements OptionOutcome {}
}
