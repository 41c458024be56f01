package io.doppel.block.volume;

import java.util.List;
import java.util.Optional;

/** How the NBD server finds exports: by name, and the list for {@code NBD_OPT_LIST}. */
public interface VolumeLookup {

  Optional<Volume> find(String name);

  /** Export names in a stable order. */
  List<String> names();
}
