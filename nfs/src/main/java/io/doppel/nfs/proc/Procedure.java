package io.doppel.nfs.proc;

import io.doppel.fs.FsException;
import io.doppel.rpc.ReplyBody;
import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrException;
import java.util.List;

/**
 * One NFSv3 procedure: how to decode its arguments, what to do, and what its failure body carries.
 * Handlers only handle the success path; {@link NfsProgram} maps failures in one place.
 *
 * @param modifying changes state: refused with ROFS on read-only exports and cached in the DRC
 */
public record Procedure<A>(
    int number,
    String name,
    boolean modifying,
    Decoder<A> decoder,
    Handler<A> handler,
    FailBody<A> failBody) {

  /** Decodes the arguments; XdrException means GARBAGE_ARGS. */
  @FunctionalInterface
  public interface Decoder<A> {
    A decode(XdrDecoder in) throws XdrException;
  }

  /** Runs the procedure; returns the whole success body (status NFS3_OK and resok). */
  @FunctionalInterface
  public interface Handler<A> {
    ReplyBody handle(RequestContext ctx, A args) throws FsException;
  }

  /** The attribute items a failed reply carries after its status. */
  @FunctionalInterface
  public interface FailBody<A> {
    List<FailSlot> slots(A args);
  }
}
