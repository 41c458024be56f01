package io.doppel.fs;

import java.util.List;

/** A slice of a directory listing; {@code eof} when it reaches the last entry. */
public record DirPage(List<DirEntry> entries, boolean eof, Attributes directory) {
  public DirPage {
    entries = List.copyOf(entries);
  }
}
