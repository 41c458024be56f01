package io.doppel.cluster;

/**
 * The generation of a resource's primary role. Strictly increasing per resource: each new lease
 * holder gets an epoch higher than any a quorum of voters has promised (SYSTEM.md invariant 3: a
 * stale primary's mutations are refused by epoch). Epoch 0 means "never held".
 */
public record Epoch(long value) implements Comparable<Epoch> {
  public static final Epoch ZERO = new Epoch(0);

  public Epoch {
    if (value < 0) {
      throw new IllegalArgumentException("epoch must be >= 0: " + value);
    }
  }

  public Epoch next() {
    return new Epoch(Math.addExact(value, 1));
  }

  public boolean isAfter(Epoch other) {
    return value > other.value;
  }

  public static Epoch max(Epoch a, Epoch b) {
    return a.value >= b.value ? a : b;
  }

  @Override
  public int compareTo(Epoch o) {
    return Long.compare(value, o.value);
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
