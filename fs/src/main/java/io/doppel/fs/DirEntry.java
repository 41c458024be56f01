package io.doppel.fs;

/**
 * One directory entry. {@code cookie} is assigned when the entry is created and never reused in
 * that directory, so READDIR cookies stay valid across restarts and failovers. {@code attributes}
 * is filled only for READDIRPLUS-style listings.
 */
public record DirEntry(String name, long fileId, long cookie, Attributes attributes) {}
