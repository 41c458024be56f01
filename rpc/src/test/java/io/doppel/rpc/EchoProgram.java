package io.doppel.rpc;

import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A test program exercising every kind of reply, one per procedure. */
final class EchoProgram implements RpcProgram {
  static final int PROGRAM = 200_001;
  static final int NULL = 0;
  static final int ECHO = 1;
  static final int THROW = 2;
  static final int FAIL_STAGE = 3;
  static final int INCREMENT = 4;
  static final int DROP = 5;
  static final int AUTH_TOO_WEAK = 6;
  static final int BODY_FAILS = 7;
  static final int SYSTEM_ERROR = 8;
  static final int WHO = 9;
  static final int ASYNC_ECHO = 10;

  @Override
  public int program() {
    return PROGRAM;
  }

  @Override
  public int lowestVersion() {
    return 1;
  }

  @Override
  public int highestVersion() {
    return 2;
  }

  @Override
  public CompletionStage<RpcReply> handle(RpcCall call, XdrDecoder args) {
    try {
      return CompletableFuture.completedFuture(reply(call, args));
    } catch (XdrException e) {
      return CompletableFuture.completedFuture(new RpcReply.GarbageArgs(e.getMessage()));
    }
  }

  private RpcReply reply(RpcCall call, XdrDecoder args) throws XdrException {
    switch (call.procedure()) {
      case NULL:
        return RpcReply.success(out -> {});
      case ECHO:
        byte[] data = args.readOpaque(1 << 20);
        return RpcReply.success(out -> out.writeOpaque(data));
      case THROW:
        throw new IllegalStateException("boom (expected by test)");
      case FAIL_STAGE:
        return CompletableFuture.<RpcReply>failedFuture(new IOException("stage failed (expected)"))
            .join();
      case INCREMENT:
        int v = args.readInt();
        return RpcReply.success(out -> out.writeInt(v + 1));
      case DROP:
        return new RpcReply.Drop();
      case AUTH_TOO_WEAK:
        return new RpcReply.AuthError(5);
      case BODY_FAILS:
        return RpcReply.success(
            out -> {
              out.writeInt(1);
              throw new IOException("disk gone (expected by test)");
            });
      case SYSTEM_ERROR:
        return new RpcReply.SystemError("test");
      case WHO:
        int uid = call.credential() instanceof Credential.Sys s ? s.uid() : -1;
        return RpcReply.success(
            out ->
                out.writeString(call.transport().name())
                    .writeInt(uid)
                    .writeInt(call.argsLength())
                    .writeLong(call.argsDigest()));
      default:
        return new RpcReply.ProcedureUnavailable();
    }
  }
}
