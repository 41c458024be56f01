package io.doppel.fs.store;

import static io.doppel.fs.store.Stores.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.fs.Attributes;
import io.doppel.fs.CreateMode;
import io.doppel.fs.DirEntry;
import io.doppel.fs.FileType;
import io.doppel.fs.FsException;
import io.doppel.fs.InodeRef;
import io.doppel.fs.SetAttributes;
import io.doppel.fs.TimeChange;
import io.doppel.fs.mutation.LoggedMutation;
import io.doppel.fs.mutation.MutationCodec;
import io.doppel.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The replication invariant: the mutations a primary logs, decoded and applied by a fresh replica,
 * give an identical store (attributes, entries, cookies, data, symlink targets).
 *
 * <p>The replica catches up in small batches read <em>while the primary keeps changing</em>: the
 * log records WRITEs by reference and a batch carries the data files' bytes as they are when it is
 * read, so intermediate replica states may differ from any primary state, but the end state must
 * not.
 */
class ReplicationPropertyTest {

  @Property(tries = 25)
  void replicaAppliesTheLogToAnIdenticalStore(@ForAll long seed) throws Exception {
    Path base = Files.createTempDirectory("doppel-repl");
    try {
      RocksExportStore primary = Stores.open(base.resolve("p"));
      RocksExportStore replica =
          RocksExportStore.openReplica(
              base.resolve("r"),
              7,
              StoreOptions.defaults(),
              () -> Instant.EPOCH,
              new Random(1),
              new MetricRegistry());
      try {
        Random r = new Random(seed);
        // Many random operations are refused (that is part of the workload); keep going until
        // enough of them mutated, bounded in rounds.
        for (int round = 0;
            round < 6 || (primary.lastAppliedSequence() <= 10 && round < 60);
            round++) {
          runRandomOperations(primary, r, 10);
          catchUp(primary, replica, 1 + r.nextInt(6000), 1 + r.nextInt(4));
        }
        assertThat(primary.lastAppliedSequence()).as("the workload mutates").isGreaterThan(10);
        catchUp(primary, replica, 1 + r.nextInt(6000), Integer.MAX_VALUE);
        assertThat(replica.lastAppliedSequence()).isEqualTo(primary.lastAppliedSequence());
        assertThat(replica.root()).isEqualTo(primary.root());
        assertThat(dump(replica)).isEqualTo(dump(primary));
      } finally {
        primary.close();
        replica.close();
      }
    } finally {
      delete(base);
    }
  }

  /**
   * Applies up to {@code batches} log reads of at most {@code maxBytes} each, through the
   * replication wire encoding, starting after what the replica has.
   */
  private static void catchUp(
      RocksExportStore primary, RocksExportStore replica, long maxBytes, int batches)
      throws Exception {
    for (int b = 0; b < batches; b++) {
      if (replica.lastAppliedSequence() == primary.lastAppliedSequence()) {
        return;
      }
      var read = primary.mutationLog().readFrom(replica.lastAppliedSequence() + 1, maxBytes);
      assertThat(read).isInstanceOf(LogRead.Records.class);
      var records = ((LogRead.Records) read).records();
      assertThat(records).isNotEmpty();
      for (LoggedMutation m : records) {
        byte[] wire = MutationCodec.encode(m.mutation());
        replica.applyReplicated(
            new LoggedMutation(m.sequence(), MutationCodec.decode(wire)), false);
      }
    }
  }

  /** The comparison is sensitive: one byte of data changed on one side is a difference. */
  @org.junit.jupiter.api.Test
  void dumpSeesADifferenceInData(@org.junit.jupiter.api.io.TempDir Path base) throws Exception {
    try (RocksExportStore a = Stores.open(base.resolve("a"));
        RocksExportStore b = Stores.open(base.resolve("b"))) {
      Stores.write(a, Stores.file(a, a.root(), "f"), 0, new byte[] {1});
      Stores.write(b, Stores.file(b, b.root(), "f"), 0, new byte[] {1});
      assertThat(dump(a)).isEqualTo(dump(b));
      Stores.write(b, b.lookup(ROOT, b.root(), "f").child(), 0, new byte[] {2});
      assertThat(dump(a)).isNotEqualTo(dump(b));
    }
  }

  static void runRandomOperations(RocksExportStore s, Random r, int count) throws Exception {
    List<InodeRef> dirs = new ArrayList<>(List.of(s.root()));
    for (int i = 0; i < count; i++) {
      InodeRef dir = dirs.get(r.nextInt(dirs.size()));
      String name = "n" + r.nextInt(6);
      try {
        operation(s, r, dirs, dir, name);
      } catch (FsException expected) {
        // invalid operations are part of the workload: they must not produce mutations
      }
    }
  }

  private static void operation(
      RocksExportStore s, Random r, List<InodeRef> dirs, InodeRef dir, String name)
      throws Exception {
    switch (r.nextInt(12)) {
      case 0, 1 -> s.create(ROOT, dir, name, new CreateMode.Unchecked(SetAttributes.NONE));
      case 2 -> dirs.add(s.makeDirectory(ROOT, dir, name, SetAttributes.NONE).ref());
      case 3 -> s.makeSymlink(ROOT, dir, name, "t" + r.nextInt(100), SetAttributes.NONE);
      case 4 -> s.makeNode(ROOT, dir, name, FileType.FIFO, 0, 0, SetAttributes.NONE);
      case 5, 6 -> {
        byte[] data = new byte[r.nextInt(3000)];
        r.nextBytes(data);
        Stores.write(s, s.lookup(ROOT, dir, name).child(), r.nextInt(5000), data);
      }
      case 7 ->
          s.setAttributes(
              ROOT,
              s.lookup(ROOT, dir, name).child(),
              new SetAttributes(
                  OptionalInt.of(r.nextInt(07777)),
                  OptionalInt.of(r.nextInt(3)),
                  OptionalInt.empty(),
                  r.nextBoolean() ? OptionalLong.of(r.nextInt(6000)) : OptionalLong.empty(),
                  TimeChange.KEEP,
                  new TimeChange.ServerTime()),
              Optional.empty());
      case 8 -> s.remove(ROOT, dir, name);
      case 9 -> s.removeDirectory(ROOT, dir, name);
      case 10 -> s.rename(ROOT, dir, name, dirs.get(r.nextInt(dirs.size())), "n" + r.nextInt(6));
      default -> s.link(ROOT, s.lookup(ROOT, dir, name).child(), dirs.get(0), "l" + r.nextInt(4));
    }
  }

  /** Everything a client can observe, walking from the root. */
  static List<String> dump(RocksExportStore s) throws Exception {
    List<String> out = new ArrayList<>();
    out.add("root " + s.getAttributes(s.root()));
    walk(s, s.root(), "/", out);
    return out;
  }

  private static void walk(RocksExportStore s, InodeRef dir, String path, List<String> out)
      throws Exception {
    for (DirEntry e : Stores.list(s, dir)) {
      Attributes a = e.attributes();
      out.add(path + e.name() + " cookie=" + e.cookie() + " " + a);
      switch (a.type()) {
        case DIRECTORY -> walk(s, a.ref(), path + e.name() + "/", out);
        case REGULAR ->
            out.add(" data=" + java.util.Arrays.hashCode(Stores.read(s, a.ref(), 0, 20000)));
        case SYMLINK -> out.add(" target=" + s.readLink(a.ref()).target());
        default -> {}
      }
    }
  }

  static void delete(Path base) throws IOException {
    try (Stream<Path> paths = Files.walk(base)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
