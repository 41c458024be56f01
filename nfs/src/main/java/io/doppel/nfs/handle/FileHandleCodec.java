package io.doppel.nfs.handle;

import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import io.doppel.fs.InodeRef;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes and checks NFSv3 file handles (RFC 1813 §2.5, opaque up to NFS3_FHSIZE = 64 bytes).
 *
 * <p>Layout (33 bytes): version (1) = {@value #VERSION}, export id (4), fileid (8), generation (4),
 * then the first 16 bytes of HMAC-SHA256 over those 17 bytes under the cluster's 32-byte handle
 * key. The MAC stops clients from forging handles to inodes they never looked up (a handle is a
 * capability in NFSv3). A handle of the wrong length or version, with a bad MAC or naming an export
 * this server does not serve is NFS3ERR_BADHANDLE; a valid handle whose inode is gone is STALE,
 * which only the store can tell.
 */
public final class FileHandleCodec {
  public static final int VERSION = 1;
  public static final int LENGTH = 33;
  private static final int MAC_BYTES = 16;
  private static final int BODY_BYTES = LENGTH - MAC_BYTES;

  private final SecretKeySpec key;
  private final Set<Integer> exportIds;
  private final ThreadLocal<Mac> macs;

  /**
   * @param handleKey 32 secret bytes shared by every node serving these exports
   * @param exportIds the exports this server serves; handles naming others are BADHANDLE
   */
  public FileHandleCodec(byte[] handleKey, Set<Integer> exportIds) {
    if (handleKey.length != 32) {
      throw new IllegalArgumentException("handle key must be 32 bytes, got " + handleKey.length);
    }
    this.key = new SecretKeySpec(handleKey.clone(), "HmacSHA256");
    this.exportIds = Set.copyOf(exportIds);
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public byte[] encode(int exportId, InodeRef inode) {
    ByteBuffer b = ByteBuffer.allocate(LENGTH);
    b.put((byte) VERSION).putInt(exportId).putLong(inode.fileId()).putInt(inode.generation());
    b.put(mac(b.array()), 0, MAC_BYTES);
    return b.array();
  }

  /**
   * Checks and decodes a handle.
   *
   * @throws FsException BADHANDLE for anything this server did not issue
   */
  public FileHandle decode(byte[] handle) throws FsException {
    if (handle.length != LENGTH || handle[0] != VERSION) {
      throw new FsException(FsStatus.BADHANDLE, "handle length " + handle.length + " or version");
    }
    byte[] expected = mac(handle);
    byte[] given = new byte[MAC_BYTES];
    System.arraycopy(handle, BODY_BYTES, given, 0, MAC_BYTES);
    byte[] truncated = new byte[MAC_BYTES];
    System.arraycopy(expected, 0, truncated, 0, MAC_BYTES);
    if (!MessageDigest.isEqual(truncated, given)) {
      throw new FsException(FsStatus.BADHANDLE, "handle MAC mismatch");
    }
    ByteBuffer b = ByteBuffer.wrap(handle, 1, BODY_BYTES - 1);
    int exportId = b.getInt();
    InodeRef inode = new InodeRef(b.getLong(), b.getInt());
    if (!exportIds.contains(exportId)) {
      throw new FsException(FsStatus.BADHANDLE, "handle names unknown export " + exportId);
    }
    return new FileHandle(exportId, inode);
  }

  private byte[] mac(byte[] handleBytes) {
    Mac mac = macs.get();
    mac.update(handleBytes, 0, BODY_BYTES);
    return mac.doFinal();
  }
}
