package io.doppel.nfs;

import java.util.Objects;

/**
 * One line of an export's client list: the first rule whose {@link ClientMatch} accepts the
 * caller's address decides its access and identity mapping.
 */
public record ClientRule(
    ClientMatch match, Access access, Squash squash, int anonUid, int anonGid) {
  public ClientRule {
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(squash, "squash");
  }
}
