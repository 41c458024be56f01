package io.doppel.nfs.proc;

import static io.doppel.nfs.proc.FailSlot.postOp;
import static io.doppel.nfs.proc.FailSlot.wcc;

import io.doppel.nfs.wire.NfsArgs.AccessArgs;
import io.doppel.nfs.wire.NfsArgs.CommitArgs;
import io.doppel.nfs.wire.NfsArgs.CreateArgs;
import io.doppel.nfs.wire.NfsArgs.DirOpArgs;
import io.doppel.nfs.wire.NfsArgs.HandleArgs;
import io.doppel.nfs.wire.NfsArgs.LinkArgs;
import io.doppel.nfs.wire.NfsArgs.MkdirArgs;
import io.doppel.nfs.wire.NfsArgs.MknodArgs;
import io.doppel.nfs.wire.NfsArgs.ReadArgs;
import io.doppel.nfs.wire.NfsArgs.ReadDirArgs;
import io.doppel.nfs.wire.NfsArgs.ReadDirPlusArgs;
import io.doppel.nfs.wire.NfsArgs.RenameArgs;
import io.doppel.nfs.wire.NfsArgs.SetAttrArgs;
import io.doppel.nfs.wire.NfsArgs.SymlinkArgs;
import io.doppel.nfs.wire.NfsArgs.WriteArgs;
import java.util.ArrayList;
import java.util.List;

/**
 * The NFSv3 procedure table (RFC 1813 §3.3): numbers, names, whether they modify state (ROFS on
 * read-only exports, cached in the DRC: the same set Linux caches), and their failure bodies.
 */
public final class NfsProcedures {
  private NfsProcedures() {}

  /** Procedures indexed by number (0..21). */
  public static List<Procedure<?>> all() {
    List<Procedure<?>> all = new ArrayList<>();
    all.addAll(basics());
    all.addAll(dataAndCreate());
    all.addAll(namespace());
    all.addAll(listingAndInfo());
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).number() != i) {
        throw new IllegalStateException("procedure table out of order at " + i);
      }
    }
    return List.copyOf(all);
  }

  private static List<Procedure<?>> basics() {
    return List.of(
        new Procedure<Void>(0, "NULL", false, in -> null, (c, a) -> out -> {}, a -> List.of()),
        new Procedure<>(
            1, "GETATTR", false, HandleArgs::decode, AttributeProcedures::getAttr, a -> List.of()),
        new Procedure<>(
            2,
            "SETATTR",
            true,
            SetAttrArgs::decode,
            AttributeProcedures::setAttr,
            a -> List.of(wcc(a.handle()))),
        new Procedure<>(
            3,
            "LOOKUP",
            false,
            DirOpArgs::decode,
            NamespaceProcedures::lookup,
            a -> List.of(postOp(a.dir()))),
        new Procedure<>(
            4,
            "ACCESS",
            false,
            AccessArgs::decode,
            AttributeProcedures::access,
            a -> List.of(postOp(a.handle()))),
        new Procedure<>(
            5,
            "READLINK",
            false,
            HandleArgs::decode,
            NamespaceProcedures::readLink,
            a -> List.of(postOp(a.handle()))));
  }

  private static List<Procedure<?>> dataAndCreate() {
    return List.of(
        new Procedure<>(
            6,
            "READ",
            false,
            ReadArgs::decode,
            DataProcedures::read,
            a -> List.of(postOp(a.handle()))),
        new Procedure<>(
            7,
            "WRITE",
            true,
            WriteArgs::decode,
            DataProcedures::write,
            a -> List.of(wcc(a.handle()))),
        new Procedure<>(
            8,
            "CREATE",
            true,
            CreateArgs::decode,
            NamespaceProcedures::create,
            a -> List.of(wcc(a.where().dir()))),
        new Procedure<>(
            9,
            "MKDIR",
            true,
            MkdirArgs::decode,
            NamespaceProcedures::mkdir,
            a -> List.of(wcc(a.where().dir()))),
        new Procedure<>(
            10,
            "SYMLINK",
            true,
            SymlinkArgs::decode,
            NamespaceProcedures::symlink,
            a -> List.of(wcc(a.where().dir()))),
        new Procedure<>(
            11,
            "MKNOD",
            true,
            MknodArgs::decode,
            NamespaceProcedures::mknod,
            a -> List.of(wcc(a.where().dir()))));
  }

  private static List<Procedure<?>> namespace() {
    return List.of(
        new Procedure<>(
            12,
            "REMOVE",
            true,
            DirOpArgs::decode,
            NamespaceProcedures::remove,
            a -> List.of(wcc(a.dir()))),
        new Procedure<>(
            13,
            "RMDIR",
            true,
            DirOpArgs::decode,
            NamespaceProcedures::rmdir,
            a -> List.of(wcc(a.dir()))),
        new Procedure<>(
            14,
            "RENAME",
            true,
            RenameArgs::decode,
            NamespaceProcedures::rename,
            a -> List.of(wcc(a.from().dir()), wcc(a.to().dir()))),
        new Procedure<>(
            15,
            "LINK",
            true,
            LinkArgs::decode,
            NamespaceProcedures::link,
            a -> List.of(postOp(a.file()), wcc(a.link().dir()))),
        new Procedure<>(
            16,
            "READDIR",
            false,
            ReadDirArgs::decode,
            DirectoryListing::readDir,
            a -> List.of(postOp(a.dir()))),
        new Procedure<>(
            17,
            "READDIRPLUS",
            false,
            ReadDirPlusArgs::decode,
            DirectoryListing::readDirPlus,
            a -> List.of(postOp(a.dir()))));
  }

  private static List<Procedure<?>> listingAndInfo() {
    return List.of(
        new Procedure<>(
            18,
            "FSSTAT",
            false,
            HandleArgs::decode,
            AttributeProcedures::fsStat,
            a -> List.of(postOp(a.handle()))),
        new Procedure<>(
            19,
            "FSINFO",
            false,
            HandleArgs::decode,
            AttributeProcedures::fsInfo,
            a -> List.of(postOp(a.handle()))),
        new Procedure<>(
            20,
            "PATHCONF",
            false,
            HandleArgs::decode,
            AttributeProcedures::pathConf,
            a -> List.of(postOp(a.handle()))),
        new Procedure<>(
            21,
            "COMMIT",
            false,
            CommitArgs::decode,
            DataProcedures::commit,
            a -> List.of(wcc(a.handle()))));
  }
}
