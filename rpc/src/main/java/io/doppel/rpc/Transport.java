package io.doppel.rpc;

/** How a call arrived; part of the duplicate-request-cache key. */
public enum Transport {
  TCP,
  UDP
}
