package io.doppel.fs;

import java.util.OptionalInt;
import java.util.OptionalLong;

/** The attributes a request asks to set (RFC 1813 sattr3); empty = unchanged. */
public record SetAttributes(
    OptionalInt mode,
    OptionalInt uid,
    OptionalInt gid,
    OptionalLong size,
    TimeChange atime,
    TimeChange mtime) {

  public static final SetAttributes NONE =
      new SetAttributes(
          OptionalInt.empty(),
          OptionalInt.empty(),
          OptionalInt.empty(),
          OptionalLong.empty(),
          TimeChange.KEEP,
          TimeChange.KEEP);
}
