package io.doppel.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Receives file data without an intermediate copy: called once, while the channel is open, with the
 * exact range to send ({@code length} may be 0).
 */
@FunctionalInterface
public interface ReadSink {
  void accept(FileChannel file, long position, int length) throws IOException;
}
