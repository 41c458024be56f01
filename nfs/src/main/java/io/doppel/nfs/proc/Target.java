package io.doppel.nfs.proc;

import io.doppel.fs.Caller;
import io.doppel.fs.ExportStore;
import io.doppel.fs.InodeRef;
import io.doppel.nfs.Access;
import io.doppel.nfs.ClientRule;
import io.doppel.nfs.NfsExport;

/** A checked file handle: the export and inode it names, and who the call acts as there. */
public record Target(NfsExport export, InodeRef inode, ClientRule rule, Caller caller) {
  public ExportStore store() {
    return export.store();
  }

  public int exportId() {
    return export.exportId();
  }

  public boolean readOnly() {
    return rule.access() == Access.READ_ONLY;
  }
}
