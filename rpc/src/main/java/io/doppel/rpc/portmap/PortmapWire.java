package io.doppel.rpc.portmap;

/** Numbers of the portmapper / rpcbind protocol (RFC 1833). */
final class PortmapWire {
  static final int PROGRAM = 100000;
  static final int PORT = 111;
  static final int IPPROTO_TCP = 6;
  static final int IPPROTO_UDP = 17;

  static final int NULL = 0;
  static final int SET = 1;
  static final int UNSET = 2;

  /** v2 GETPORT, v3/v4 GETADDR. */
  static final int GETPORT = 3;

  static final int GETADDR = 3;
  static final int DUMP = 4;
  static final int GETTIME = 6;
  static final int GETVERSADDR = 9;

  /** Bound on netid, address and owner strings: rpcbind's own limits are smaller. */
  static final int MAX_STRING = 1024;

  private PortmapWire() {}
}
