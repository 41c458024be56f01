package io.doppel.fs.fsck;

import java.util.List;

/**
 * The outcome of {@link Fsck#run}: how much was checked, every problem found (readable sentences),
 * and how many were repaired.
 */
public record FsckReport(
    long inodesChecked, long entriesChecked, List<String> problems, int repaired) {
  public FsckReport {
    problems = List.copyOf(problems);
  }

  public boolean clean() {
    return problems.isEmpty();
  }
}
