package io.doppel.it;

import com.emc.ecs.nfsclient.nfs.io.Nfs3File;
import com.emc.ecs.nfsclient.nfs.io.NfsFileInputStream;
import com.emc.ecs.nfsclient.nfs.io.NfsFileOutputStream;
import com.emc.ecs.nfsclient.nfs.nfs3.Nfs3;
import com.emc.ecs.nfsclient.rpc.CredentialUnix;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Run in a forked JVM by {@link JavaNfsClientIT}: com.emc.ecs:nfs-client (which finds the server
 * through the portmapper on port 111) writes a file, reads it back and lists the directory. Exits 0
 * on success, 1 on a mismatch, 2 on an exception (its Netty 3 timer would keep the JVM alive).
 */
public final class EmcClientMain {
  private EmcClientMain() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args[0], args[1]);
    } catch (Throwable t) {
      t.printStackTrace();
      code = 2;
    }
    System.out.flush();
    System.exit(code);
  }

  private static int run(String server, String export) throws Exception {
    Nfs3 nfs = new Nfs3(server, export, new CredentialUnix(0, 0, new java.util.HashSet<>()), 3);
    byte[] data = new byte[300_000];
    new Random(42).nextBytes(data);
    Nfs3File dir = new Nfs3File(nfs, "/emc");
    dir.mkdir();
    Nfs3File file = dir.newChildFile("payload.bin");
    try (OutputStream out = new NfsFileOutputStream(file)) {
      out.write(data);
    }
    ByteArrayOutputStream back = new ByteArrayOutputStream();
    try (InputStream in = new NfsFileInputStream(file)) {
      in.transferTo(back);
    }
    List<String> names = dir.list();
    System.out.println("names=" + names + " length=" + file.length());
    if (!Arrays.equals(back.toByteArray(), data)) {
      System.out.println("MISMATCH: read " + back.size() + " bytes, wrote " + data.length);
      return 1;
    }
    if (!names.contains("payload.bin")) {
      System.out.println("MISMATCH: listing lacks payload.bin");
      return 1;
    }
    System.out.println("OK done");
    return 0;
  }
}
