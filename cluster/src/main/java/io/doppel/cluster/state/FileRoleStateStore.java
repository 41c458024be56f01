package io.doppel.cluster.state;

import io.doppel.cluster.Epoch;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Role state in one small text file, replaced atomically: write a temp file, fsync it, rename it
 * over the old one, fsync the directory. A crash leaves either the old or the new state, never a
 * mix. The first line names the format version; the last line is a CRC32C of the lines before it.
 *
 * <pre>
 * doppel-role-state 1
 * resource EXPORT home 7 node-a 7 node-a 0 node-c
 * crc32c 1a2b3c4d
 * </pre>
 *
 * Fields: kind, name, promised epoch, promised-to, highest epoch, last holder, wait-for-recovery,
 * out-of-date nodes (comma-separated); {@code -} for none.
 */
public final class FileRoleStateStore implements RoleStateStore {
  private static final String HEADER = "doppel-role-state ";
  private static final long MAX_BYTES = 1 << 20;
  private final Path file;

  public FileRoleStateStore(Path file) {
    this.file = file.toAbsolutePath();
  }

  @Override
  public PersistedRoleState load() throws IOException {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new IOException(file + ": larger than " + MAX_BYTES + " bytes, not a role state");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return PersistedRoleState.EMPTY;
    }
    return parse(new String(bytes, StandardCharsets.UTF_8));
  }

  private PersistedRoleState parse(String text) throws IOException {
    int crcAt = text.lastIndexOf("crc32c ");
    if (!text.startsWith(HEADER) || crcAt < 0) {
      throw new IOException(file + ": not a doppel role state file");
    }
    String body = text.substring(0, crcAt);
    String crcHex = text.substring(crcAt + 7).trim();
    if (!crcHex.equals(crc(body))) {
      throw new IOException(file + ": checksum mismatch (corrupt role state)");
    }
    String[] lines = body.split("\n");
    int version = Integer.parseInt(lines[0].substring(HEADER.length()).trim());
    if (version != PersistedRoleState.FORMAT_VERSION) {
      throw new IOException(file + ": unsupported role state format version " + version);
    }
    Map<ResourceId, ResourceRoleState> out = new TreeMap<>(PersistedRoleState.ORDER);
    for (int i = 1; i < lines.length; i++) {
      try {
        parseLine(lines[i], out);
      } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
        throw new IOException(file + ": line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return PersistedRoleState.of(out);
  }

  private static void parseLine(String line, Map<ResourceId, ResourceRoleState> out) {
    String[] f = line.split(" ");
    if (f.length != 9 || !f[0].equals("resource")) {
      throw new IllegalArgumentException("expected 9 fields starting with 'resource'");
    }
    ResourceId id = new ResourceId(ResourceId.Kind.valueOf(f[1]), f[2]);
    Set<NodeId> outOfDate = new HashSet<>();
    if (!f[8].equals("-")) {
      for (String n : f[8].split(",")) {
        outOfDate.add(new NodeId(n));
      }
    }
    out.put(
        id,
        new ResourceRoleState(
            new Epoch(Long.parseLong(f[3])),
            node(f[4]),
            new Epoch(Long.parseLong(f[5])),
            node(f[6]),
            outOfDate,
            f[7].equals("1")));
  }

  private static Optional<NodeId> node(String s) {
    return s.equals("-") ? Optional.empty() : Optional.of(new NodeId(s));
  }

  static String format(PersistedRoleState state) {
    StringBuilder b =
        new StringBuilder(HEADER).append(PersistedRoleState.FORMAT_VERSION).append('\n');
    for (var e : state.resources().entrySet()) {
      ResourceRoleState s = e.getValue();
      b.append("resource ")
          .append(e.getKey().kind().name())
          .append(' ')
          .append(e.getKey().name())
          .append(' ')
          .append(s.promisedEpoch().value())
          .append(' ')
          .append(s.promisedTo().map(NodeId::name).orElse("-"))
          .append(' ')
          .append(s.highestEpoch().value())
          .append(' ')
          .append(s.lastHolder().map(NodeId::name).orElse("-"))
          .append(' ')
          .append(s.waitForRecovery() ? '1' : '0')
          .append(' ')
          .append(
              s.outOfDate().isEmpty()
                  ? "-"
                  : String.join(",", s.outOfDate().stream().map(NodeId::name).toList()))
          .append('\n');
    }
    String body = b.toString();
    return body + "crc32c " + crc(body) + "\n";
  }

  private static String crc(String body) {
    CRC32C c = new CRC32C();
    c.update(body.getBytes(StandardCharsets.UTF_8));
    return String.format("%08x", c.getValue());
  }

  @Override
  public void save(PersistedRoleState state) throws IOException {
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    byte[] bytes = format(state).getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true); // the rename itself must be durable
    }
  }
}
