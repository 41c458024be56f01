/**
 * Ordered, acknowledged record streams from a resource's primary to its replicas (REPLICATION.md):
 * {@code wire} (records, messages, framing), {@code history} (who is newer), {@code primary}
 * (sessions, windows, acks, commit tracking), {@code track} (change tracking, dirty map, resync
 * planning), {@code replica} (in-order application), {@code transport} (TCP on Netty and the
 * per-resource runner).
 */
package io.doppel.replication;
