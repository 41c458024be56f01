package io.doppel.cluster.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * A client of the events socket ({@link UnixSocketEventServer}), for {@code doppel events} and
 * tests: connects and yields one JSON line per event published from then on. Blocking; {@link
 * #close()} from another thread ends a blocked {@link #nextLine()}.
 */
public final class EventSubscriber implements AutoCloseable {
  private final SocketChannel channel;
  private final BufferedReader reader;

  private EventSubscriber(SocketChannel channel) {
    this.channel = channel;
    this.reader =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
  }

  public static EventSubscriber connect(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
      return new EventSubscriber(ch);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  /** The next event line (JSON, no newline), or null when the server closed the connection. */
  public String nextLine() throws IOException {
    return reader.readLine(); // the server is local and trusted: lines are not length-checked
  }

  /** The next event parsed ({@link EventJson#parse}), or null at end of stream. */
  public Map<String, Object> next() throws IOException {
    String line = nextLine();
    return line == null ? null : EventJson.parse(line);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
