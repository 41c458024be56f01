package io.doppel.replication.track;

/**
 * One unit of a copy: bytes {@code [offset, offset + length)} of a volume, or a front-end-defined
 * range (a snapshot chunk) for other faces.
 */
public record CopyTask(long offset, long length) {
  public CopyTask {
    if (offset < 0 || length <= 0) {
      throw new IllegalArgumentException("bad copy task " + offset + "+" + length);
    }
  }

  public long end() {
    return offset + length;
  }
}
