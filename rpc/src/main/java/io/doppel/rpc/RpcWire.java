package io.doppel.rpc;

/** Numbers of the RPC message protocol (RFC 5531 §9 and Appendix A). */
final class RpcWire {
  static final int CALL = 0;
  static final int REPLY = 1;
  static final int RPC_VERSION = 2;

  static final int MSG_ACCEPTED = 0;
  static final int MSG_DENIED = 1;

  static final int SUCCESS = 0;
  static final int PROG_UNAVAIL = 1;
  static final int PROG_MISMATCH = 2;
  static final int PROC_UNAVAIL = 3;
  static final int GARBAGE_ARGS = 4;
  static final int SYSTEM_ERR = 5;

  static final int RPC_MISMATCH = 0;
  static final int AUTH_ERROR = 1;

  static final int AUTH_NONE = 0;
  static final int AUTH_SYS = 1;

  static final int AUTH_BADCRED = 1;
  static final int AUTH_BADVERF = 3;

  /** RFC 5531 §8.2: opaque_auth bodies are at most 400 bytes. */
  static final int MAX_AUTH_BYTES = 400;

  /** RFC 5531 Appendix A: machinename&lt;255&gt;. */
  static final int MAX_MACHINE_NAME = 255;

  /** RFC 5531 Appendix A: gids&lt;16&gt;. */
  static final int MAX_GIDS = 16;

  private RpcWire() {}
}
