package io.doppel.it.client;

/** An NFS procedure's status and, when NFS3_OK, its decoded value. */
public record NfsResult<T>(int status, T value) {
  public boolean ok() {
    return status == Nfs3.OK;
  }

  /** The value, or an AssertionError naming the status. */
  public T orThrow() {
    if (status != Nfs3.OK) {
      throw new AssertionError("expected NFS3_OK, got " + Nfs3.statusName(status));
    }
    return value;
  }

  @Override
  public String toString() {
    return Nfs3.statusName(status) + (value == null ? "" : " " + value);
  }
}
