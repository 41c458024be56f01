package io.doppel.server.config;

/**
 * One {@code [[exports.clients]]} table: which clients may mount an export and how.
 *
 * @param match "*", a CIDR, an IP address or a host name (checked by the nfs module's parser)
 * @param access default read-only
 * @param squash default root
 * @param anonUid uid for squashed callers (default 65534), an unsigned 32-bit value in an int
 * @param anonGid gid for squashed callers (default 65534), an unsigned 32-bit value in an int
 */
public record ClientRuleConfig(
    String match, ClientAccess access, ClientSquash squash, int anonUid, int anonGid) {
  public static final int DEFAULT_ANON_ID = 65534;
}
