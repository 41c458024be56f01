package io.doppel.rpc.portmap;

import io.doppel.rpc.Credential;
import io.doppel.rpc.ReplyBody;
import io.doppel.rpc.RpcCall;
import io.doppel.rpc.RpcProgram;
import io.doppel.rpc.RpcReply;
import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrEncoder;
import io.doppel.rpc.xdr.XdrException;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portmapper, program 100000 (RFC 1833): version 2 (NULL, SET, UNSET, GETPORT, DUMP) and
 * rpcbind versions 3 and 4 (NULL, SET, UNSET, GETADDR, DUMP, GETTIME; v4 also GETVERSADDR).
 *
 * <p>Not served, answered PROC_UNAVAIL: CALLIT / BCAST / INDIRECT (indirect calls make the
 * portmapper a traffic amplifier and no NFSv3 client needs them), UADDR2TADDR, TADDR2UADDR,
 * GETADDRLIST and GETSTAT. SET and UNSET are accepted only from loopback callers, like rpcbind; the
 * owner is recorded but not enforced on UNSET (every local process may replace a registration).
 */
final class PortmapProgram implements RpcProgram {
  private static final Logger LOG = LoggerFactory.getLogger(PortmapProgram.class);
  private final PortmapRegistry registry;
  private final InstantSource clock;

  PortmapProgram(PortmapRegistry registry, InstantSource clock) {
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public int program() {
    return PortmapWire.PROGRAM;
  }

  @Override
  public int lowestVersion() {
    return 2;
  }

  @Override
  public int highestVersion() {
    return 4;
  }

  @Override
  public CompletionStage<RpcReply> handle(RpcCall call, XdrDecoder args) {
    RpcReply reply;
    try {
      reply = call.version() == 2 ? handleV2(call, args) : handleRpcb(call, args);
    } catch (XdrException e) {
      reply = new RpcReply.GarbageArgs(e.getMessage());
    }
    return CompletableFuture.completedFuture(reply);
  }

  private RpcReply handleV2(RpcCall call, XdrDecoder args) throws XdrException {
    return switch (call.procedure()) {
      case PortmapWire.NULL -> RpcReply.success(out -> {});
      case PortmapWire.SET -> bool(setV2(call, args));
      case PortmapWire.UNSET -> {
        V2Mapping m = V2Mapping.read(args);
        yield bool(allowed(call) && registry.unset(m.program, m.version, null));
      }
      case PortmapWire.GETPORT -> {
        V2Mapping m = V2Mapping.read(args);
        String netid = Mapping.netid(m.protocol);
        Optional<Mapping> found =
            netid == null ? Optional.empty() : registry.find(m.program, m.version, netid, false);
        int port = found.map(f -> UniversalAddress.port(f.address())).orElse(0);
        yield RpcReply.success(out -> out.writeInt(Math.max(port, 0)));
      }
      case PortmapWire.DUMP -> RpcReply.success(this::dumpV2);
      default -> new RpcReply.ProcedureUnavailable();
    };
  }

  private boolean setV2(RpcCall call, XdrDecoder args) throws XdrException {
    V2Mapping m = V2Mapping.read(args);
    String netid = Mapping.netid(m.protocol);
    if (!allowed(call) || netid == null || m.port < 0 || m.port > 65535) {
      return false;
    }
    String address = UniversalAddress.wildcard4(m.port);
    return set(new Mapping(m.program, m.version, netid, address, owner(call)));
  }

  private boolean set(Mapping m) {
    boolean ok = registry.set(m);
    LOG.debug(
        "event=portmap_set program={} version={} netid={} address={} ok={}",
        m.program(),
        m.version(),
        m.netid(),
        m.address(),
        ok);
    return ok;
  }

  private void dumpV2(XdrEncoder out) {
    for (Mapping m : registry.dump()) {
      int port = UniversalAddress.port(m.address());
      if (m.protocol() == 0 || port < 0) {
        continue;
      }
      out.writeBoolean(true);
      out.writeInt(m.program()).writeInt(m.version()).writeInt(m.protocol()).writeInt(port);
    }
    out.writeBoolean(false);
  }

  private RpcReply handleRpcb(RpcCall call, XdrDecoder args) throws XdrException {
    return switch (call.procedure()) {
      case PortmapWire.NULL -> RpcReply.success(out -> {});
      case PortmapWire.SET -> {
        Mapping m = readRpcb(args);
        boolean ok =
            allowed(call)
                && !m.netid().isEmpty()
                && UniversalAddress.port(m.address()) >= 0
                && set(
                    new Mapping(
                        m.program(),
                        m.version(),
                        m.netid(),
                        m.address(),
                        m.owner().isEmpty() ? owner(call) : m.owner()));
        yield bool(ok);
      }
      case PortmapWire.UNSET -> {
        Mapping m = readRpcb(args);
        yield bool(
            allowed(call)
                && registry.unset(
                    m.program(), m.version(), m.netid().isEmpty() ? null : m.netid()));
      }
      case PortmapWire.GETADDR -> getAddr(call, readRpcb(args), false);
      case PortmapWire.DUMP -> RpcReply.success(this::dumpRpcb);
      case PortmapWire.GETTIME ->
          RpcReply.success(out -> out.writeUnsignedInt(clock.instant().getEpochSecond()));
      case PortmapWire.GETVERSADDR ->
          call.version() == 4
              ? getAddr(call, readRpcb(args), true)
              : new RpcReply.ProcedureUnavailable();
      default -> new RpcReply.ProcedureUnavailable();
    };
  }

  private RpcReply getAddr(RpcCall call, Mapping query, boolean exactVersion) {
    String address =
        registry
            .find(query.program(), query.version(), query.netid(), exactVersion)
            .map(m -> localize(m.address(), call.local()))
            .orElse("");
    return RpcReply.success(out -> out.writeString(address));
  }

  /** A wildcard registration is reachable at the address the client called us on. */
  private static String localize(String address, InetSocketAddress local) {
    if (!UniversalAddress.isWildcard(address)
        || local == null
        || local.getAddress().isAnyLocalAddress()) {
      return address;
    }
    return UniversalAddress.format(local.getAddress(), UniversalAddress.port(address));
  }

  private void dumpRpcb(XdrEncoder out) {
    for (Mapping m : registry.dump()) {
      out.writeBoolean(true);
      out.writeInt(m.program()).writeInt(m.version());
      out.writeString(m.netid()).writeString(m.address()).writeString(m.owner());
    }
    out.writeBoolean(false);
  }

  static Mapping readRpcb(XdrDecoder in) throws XdrException {
    int program = in.readInt();
    int version = in.readInt();
    String netid = in.readString(PortmapWire.MAX_STRING);
    String address = in.readString(PortmapWire.MAX_STRING);
    String owner = in.readString(PortmapWire.MAX_STRING);
    return new Mapping(program, version, netid, address, owner);
  }

  /** rpcbind accepts SET/UNSET only from this host. */
  private static boolean allowed(RpcCall call) {
    boolean ok = call.client() != null && call.client().getAddress().isLoopbackAddress();
    if (!ok) {
      LOG.debug("event=portmap_change_refused client={}", call.client());
    }
    return ok;
  }

  private static String owner(RpcCall call) {
    return call.credential() instanceof Credential.Sys s ? Integer.toString(s.uid()) : "unknown";
  }

  private static RpcReply bool(boolean value) {
    ReplyBody body = out -> out.writeBoolean(value);
    return RpcReply.success(body);
  }

  /** RFC 1833 §3.1 {@code mapping}. */
  private record V2Mapping(int program, int version, int protocol, int port) {
    static V2Mapping read(XdrDecoder in) throws XdrException {
      return new V2Mapping(in.readInt(), in.readInt(), in.readInt(), in.readInt());
    }
  }

  static List<Integer> versions() {
    return List.of(2, 3, 4);
  }
}
