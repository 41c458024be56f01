package io.doppel.nfs.proc;

/**
 * One attribute item of a failed result (RFC 1813 "resfail" arms): a post_op_attr or a wcc_data of
 * the object a handle names. Filled with the object's current attributes when they can be read.
 */
public record FailSlot(Kind kind, byte[] handle) {
  /** Which XDR item the slot is. */
  public enum Kind {
    /** post_op_attr. */
    POST_OP,
    /** wcc_data (pre_op_attr absent, post_op_attr current). */
    WCC
  }

  public static FailSlot postOp(byte[] handle) {
    return new FailSlot(Kind.POST_OP, handle);
  }

  public static FailSlot wcc(byte[] handle) {
    return new FailSlot(Kind.WCC, handle);
  }
}
