package io.doppel.nfs.drc;

import java.time.Instant;

/**
 * A completed request: its key, the encoded reply body sent to the client, and when it completed.
 * Plain data so that it can be replicated together with the mutation it answers.
 */
public record DrcEntry(DrcKey key, byte[] reply, Instant completedAt) {}
