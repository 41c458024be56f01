package io.doppel.fs;

/**
 * Weak cache consistency data for one object (RFC 1813 wcc_data): attributes before (size, mtime,
 * ctime; null when unknown) and after the operation (null when unknown).
 */
public record Wcc(PreAttributes before, Attributes after) {

  /** RFC 1813 wcc_attr. */
  public record PreAttributes(long size, long mtimeNanos, long ctimeNanos) {
    public static PreAttributes of(Attributes a) {
      return new PreAttributes(a.size(), a.mtimeNanos(), a.ctimeNanos());
    }
  }
}
