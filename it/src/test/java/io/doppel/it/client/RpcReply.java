package io.doppel.it.client;

/**
 * One decoded ONC RPC reply header (RFC 5531 section 9). {@code acceptStat} is -1 when the call was
 * denied; then {@code rejectStat} and {@code detail} (auth_stat or low version) are set.
 */
public record RpcReply(int xid, int acceptStat, int rejectStat, int detail, XdrIn body) {
  public static final int SUCCESS = 0;
  public static final int PROG_UNAVAIL = 1;
  public static final int PROG_MISMATCH = 2;
  public static final int PROC_UNAVAIL = 3;
  public static final int GARBAGE_ARGS = 4;
  public static final int SYSTEM_ERR = 5;

  public boolean accepted() {
    return acceptStat >= 0;
  }

  @Override
  public String toString() {
    return accepted()
        ? "RpcReply[xid=" + xid + " accept_stat=" + acceptStat + "]"
        : "RpcReply[xid="
            + xid
            + " MSG_DENIED reject_stat="
            + rejectStat
            + " detail="
            + detail
            + "]";
  }
}
