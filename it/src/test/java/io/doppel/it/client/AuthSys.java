package io.doppel.it.client;

/** AUTH_SYS credential (RFC 5531 appendix A); {@code null} means AUTH_NONE where accepted. */
public record AuthSys(int uid, int gid, int[] gids, String machine) {
  public static final AuthSys ROOT = new AuthSys(0, 0, new int[0], "doppel-it");

  public static AuthSys of(int uid, int gid) {
    return new AuthSys(uid, gid, new int[] {gid}, "doppel-it");
  }

  void encode(XdrOut out) {
    XdrOut body = new XdrOut().u32(0).string(machine).u32(uid).u32(gid).u32(gids.length);
    for (int g : gids) {
      body.u32(g);
    }
    out.u32(1).opaque(body.toByteArray());
  }
}
