package io.doppel.rpc;

import io.doppel.rpc.xdr.XdrEncoder;
import java.io.IOException;

/**
 * Writes the procedure-specific results of a successful (MSG_ACCEPTED, SUCCESS) reply. The RPC
 * layer writes the reply header first. An IOException while encoding (e.g. reading file data) turns
 * into SYSTEM_ERR.
 */
@FunctionalInterface
public interface ReplyBody {
  void encode(XdrEncoder out) throws IOException;
}
