package io.doppel.fs.mutation;

/** A mutation with its position in the export's history (the replication sequence number). */
public record LoggedMutation(long sequence, Mutation mutation) {}
