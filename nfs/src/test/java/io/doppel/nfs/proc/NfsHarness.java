package io.doppel.nfs.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.fs.Attributes;
import io.doppel.fs.ExportStore;
import io.doppel.fs.SetAttributes;
import io.doppel.fs.store.RocksExportStore;
import io.doppel.fs.store.StoreOptions;
import io.doppel.metrics.MetricRegistry;
import io.doppel.nfs.Access;
import io.doppel.nfs.ClientMatch;
import io.doppel.nfs.ClientRule;
import io.doppel.nfs.ManualClock;
import io.doppel.nfs.NfsExport;
import io.doppel.nfs.NfsService;
import io.doppel.nfs.Squash;
import io.doppel.nfs.TestXdr;
import io.doppel.nfs.wire.AttrCodec;
import io.doppel.nfs.wire.NfsArgs;
import io.doppel.nfs.wire.NfsStatus;
import io.doppel.rpc.Credential;
import io.doppel.rpc.RpcCall;
import io.doppel.rpc.RpcProgram;
import io.doppel.rpc.RpcReply;
import io.doppel.rpc.Transport;
import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrEncoder;
import io.doppel.rpc.xdr.XdrException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Drives the real MOUNT and NFS programs with real XDR bytes against a real {@link
 * RocksExportStore}, the way the RPC server would.
 */
final class NfsHarness implements AutoCloseable {
  static final Credential.Sys ROOT = new Credential.Sys(0, "test", 0, 0, List.of());
  static final Credential.Sys ALICE = new Credential.Sys(0, "test", 1000, 1000, List.of());
  static final Credential.Sys BOB = new Credential.Sys(0, "test", 1001, 1001, List.of());
  static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 800);
  static final byte[] KEY = new byte[32];

  final ManualClock clock = new ManualClock();
  final MetricRegistry metrics = new MetricRegistry();
  final ExportStore store;
  final NfsService service;
  final RpcProgram mount;
  final RpcProgram nfs;
  private final AtomicInteger xids = new AtomicInteger(1);

  /** Every client may read and write, no squashing: the common set-up of procedure tests. */
  static final List<ClientRule> EVERYONE_READ_WRITE =
      List.of(new ClientRule(ClientMatch.parse("*"), Access.READ_WRITE, Squash.NONE, 65534, 65534));

  NfsHarness(Path dir, List<ClientRule> rules) throws IOException {
    store =
        RocksExportStore.open(
            dir, 1, StoreOptions.defaults(), clock, new SplittableRandom(7), metrics);
    service =
        new NfsService(
            List.of(new NfsExport("/data", 1, store, rules)),
            KEY,
            metrics,
            clock,
            new SplittableRandom(11));
    mount = service.programs().get(0);
    nfs = service.programs().get(1);
  }

  @Override
  public void close() {
    store.close();
  }

  /** A reply as the RPC layer would see it; the body bytes when it is a success. */
  record Reply(RpcReply reply, byte[] body) {
    XdrDecoder decoder() {
      assertThat(reply).isInstanceOf(RpcReply.Success.class);
      return TestXdr.decoder(body);
    }

    /** Reads the nfsstat3 and returns the decoder positioned after it. */
    XdrDecoder expect(NfsStatus status) throws XdrException {
      XdrDecoder in = decoder();
      assertThat(NfsStatus.ofCode(in.readInt())).isEqualTo(status);
      return in;
    }
  }

  Reply call(
      RpcProgram program,
      int xid,
      int procedure,
      Credential cred,
      InetSocketAddress client,
      Consumer<XdrEncoder> args) {
    byte[] argBytes = TestXdr.bytes(args);
    RpcCall call =
        new RpcCall(
            xid,
            program.program(),
            program == mount ? 3 : 3,
            procedure,
            cred,
            client,
            new InetSocketAddress("127.0.0.1", 2049),
            Transport.TCP,
            Arrays.hashCode(Arrays.copyOf(argBytes, Math.min(256, argBytes.length))),
            argBytes.length);
    RpcReply r = program.handle(call, TestXdr.decoder(argBytes)).toCompletableFuture().join();
    byte[] body = r instanceof RpcReply.Success s ? TestXdr.encode(s.body()) : null;
    return new Reply(r, body);
  }

  Reply nfs(int procedure, Credential cred, NfsArgs args) {
    return call(nfs, xids.getAndIncrement(), procedure, cred, LOCAL, args::encode);
  }

  Reply nfsFrom(InetSocketAddress client, int procedure, NfsArgs args) {
    return call(nfs, xids.getAndIncrement(), procedure, ROOT, client, args::encode);
  }

  Reply mount(int procedure, InetSocketAddress client, String path) {
    return call(
        mount,
        xids.getAndIncrement(),
        procedure,
        ROOT,
        client,
        out -> {
          if (path != null) {
            out.writeString(path);
          }
        });
  }

  /** MNT of /data from the local client: the root handle. */
  byte[] root() throws XdrException {
    XdrDecoder in = mount(1, LOCAL, "/data").decoder();
    assertThat(in.readInt()).isZero();
    return in.readOpaque(64);
  }

  /** CREATE UNCHECKED with a mode; returns the new handle. */
  byte[] create(Credential cred, byte[] dir, String name, int mode) throws XdrException {
    SetAttributes attrs =
        new SetAttributes(
            java.util.OptionalInt.of(mode),
            java.util.OptionalInt.empty(),
            java.util.OptionalInt.empty(),
            java.util.OptionalLong.empty(),
            io.doppel.fs.TimeChange.KEEP,
            io.doppel.fs.TimeChange.KEEP);
    XdrDecoder in =
        nfs(
                8,
                cred,
                new NfsArgs.CreateArgs(
                    new NfsArgs.DirOpArgs(dir, name), new io.doppel.fs.CreateMode.Unchecked(attrs)))
            .expect(NfsStatus.NFS3_OK);
    assertThat(in.readBoolean()).isTrue();
    return in.readOpaque(64);
  }

  byte[] mkdir(Credential cred, byte[] dir, String name, int mode) throws XdrException {
    SetAttributes attrs =
        new SetAttributes(
            java.util.OptionalInt.of(mode),
            java.util.OptionalInt.empty(),
            java.util.OptionalInt.empty(),
            java.util.OptionalLong.empty(),
            io.doppel.fs.TimeChange.KEEP,
            io.doppel.fs.TimeChange.KEEP);
    XdrDecoder in =
        nfs(9, cred, new NfsArgs.MkdirArgs(new NfsArgs.DirOpArgs(dir, name), attrs))
            .expect(NfsStatus.NFS3_OK);
    assertThat(in.readBoolean()).isTrue();
    return in.readOpaque(64);
  }

  Attributes getAttr(byte[] fh) throws XdrException {
    return AttrCodec.readFattr(nfs(1, ROOT, new NfsArgs.HandleArgs(fh)).expect(NfsStatus.NFS3_OK));
  }

  /** LOOKUP's status, for existence checks. */
  NfsStatus lookupStatus(byte[] dir, String name) throws XdrException {
    return NfsStatus.ofCode(nfs(3, ROOT, new NfsArgs.DirOpArgs(dir, name)).decoder().readInt());
  }

  byte[] lookup(byte[] dir, String name) throws XdrException {
    return nfs(3, ROOT, new NfsArgs.DirOpArgs(dir, name)).expect(NfsStatus.NFS3_OK).readOpaque(64);
  }
}
