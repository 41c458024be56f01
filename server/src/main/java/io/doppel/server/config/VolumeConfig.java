package io.doppel.server.config;

import java.nio.file.Path;
import java.util.List;

/**
 * One {@code [[volumes]]} table: a block volume served over NBD.
 *
 * @param name the export name clients ask for, {@code [A-Za-z0-9._-]{1,64}}
 * @param sizeBytes size of the image to create; 0 means "the existing file's or device's size"
 * @param path the image file or block device (default {@code data_dir/volumes/<name>.img}, sparse)
 * @param readOnly refuse writes (default false)
 * @param cacheBytes read-cache capacity (default 64 MiB); 0 disables the cache
 * @param nodes the nodes holding a copy, in priority order (the first is primary); empty for a
 *     volume that is not mirrored
 * @param role a static {@code "primary"} or {@code "backup"} override of the order, or null
 */
public record VolumeConfig(
    String name,
    long sizeBytes,
    Path path,
    boolean readOnly,
    long cacheBytes,
    List<String> nodes,
    String role) {
  public static final long DEFAULT_CACHE_BYTES = 64L << 20;

  /** The smallest non-zero cache: one 64 KiB page of the block module's read cache. */
  public static final long MIN_CACHE_BYTES = 64L << 10;

  public VolumeConfig {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
  }

  /** A volume that is not mirrored. */
  public VolumeConfig(String name, long sizeBytes, Path path, boolean readOnly, long cacheBytes) {
    this(name, sizeBytes, path, readOnly, cacheBytes, List.of(), null);
  }

  /** Whether copies of this volume live on several nodes. */
  public boolean mirrored() {
    return nodes.size() > 1;
  }
}
