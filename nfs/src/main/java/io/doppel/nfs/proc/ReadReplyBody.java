package io.doppel.nfs.proc;

import io.doppel.fs.Attributes;
import io.doppel.fs.FsException;
import io.doppel.fs.Results;
import io.doppel.nfs.NfsStats;
import io.doppel.nfs.wire.AttrCodec;
import io.doppel.nfs.wire.NfsStatus;
import io.doppel.rpc.ReplyBody;
import io.doppel.rpc.xdr.XdrEncoder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * READ3res written while the reply is encoded, so file data goes from the page cache straight into
 * the reply buffer (one copy). Nothing is written until the store hands over the data range: if the
 * store refuses (ACCES, STALE, IO) the reply becomes the READ3resfail body instead. The
 * post_op_attr and eof come from the attributes read before the call; a write racing with the read
 * can make eof conservative, which RFC 1813 permits (the client reads again).
 */
final class ReadReplyBody implements ReplyBody {
  private static final Logger LOG = LoggerFactory.getLogger(ReadReplyBody.class);
  private final Target target;
  private final Attributes before;
  private final long offset;
  private final int count;
  private final NfsStats stats;

  ReadReplyBody(Target target, Attributes before, long offset, int count, NfsStats stats) {
    this.target = target;
    this.before = before;
    this.offset = offset;
    this.count = count;
    this.stats = stats;
  }

  @Override
  public void encode(XdrEncoder out) throws IOException {
    boolean[] written = {false};
    try {
      Results.Read r =
          target
              .store()
              .read(
                  target.caller(),
                  target.inode(),
                  offset,
                  count,
                  (file, position, length) -> {
                    written[0] = true; // from here on a failure can only be SYSTEM_ERR
                    writeData(out, file, position, length);
                  });
      if (!written[0]) { // the store delivered nothing: an empty range
        header(out, r.attributes(), 0, r.eof());
        out.writeOpaque(new byte[0]);
      }
      stats.call("READ", NfsStatus.NFS3_OK.name());
    } catch (FsException e) {
      fail(out, written[0], NfsStatus.of(e.status()), e);
    } catch (RuntimeException e) {
      stats.serverFault();
      LOG.warn("event=server_fault procedure=READ", e);
      fail(out, written[0], NfsStatus.NFS3ERR_SERVERFAULT, e);
    }
  }

  private void writeData(XdrEncoder out, FileChannel file, long position, int length)
      throws IOException {
    boolean eof = offset + length >= before.size();
    header(out, before, length, eof);
    out.writeOpaque(file, position, length);
    stats.bytesRead(length);
  }

  private void header(XdrEncoder out, Attributes attributes, int length, boolean eof) {
    AttrCodec.writePostOp(out.writeInt(NfsStatus.NFS3_OK.code), attributes, target.exportId());
    out.writeInt(length).writeBoolean(eof);
  }

  private void fail(XdrEncoder out, boolean written, NfsStatus status, Exception cause)
      throws IOException {
    stats.call("READ", status.name());
    if (written) { // part of a success body is already out: only SYSTEM_ERR is left
      throw new IOException("READ failed after data was written: " + cause.getMessage(), cause);
    }
    AttrCodec.writePostOp(out.writeInt(status.code), before, target.exportId());
  }
}
