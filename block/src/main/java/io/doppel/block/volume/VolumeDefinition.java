package io.doppel.block.volume;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One {@code [[volumes]]} entry of the configuration.
 *
 * @param name export name, {@code [A-Za-z0-9._-]{1,64}}
 * @param sizeBytes size of a new image file; 0 means "use the existing file or device's size"
 * @param path an image file or block device; null means {@code <volume dir>/<name>.img}
 * @param readOnly refuse writes (NBD_FLAG_READ_ONLY)
 * @param cacheBytes read-cache capacity in bytes; 0 disables the cache
 */
public record VolumeDefinition(
    String name, long sizeBytes, Path path, boolean readOnly, long cacheBytes) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public VolumeDefinition {
    if (name == null || !isValidName(name)) {
      throw new IllegalArgumentException(
          "volume name must match [A-Za-z0-9._-]{1,64}, got: " + name);
    }
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("volume " + name + ": size must be >= 0");
    }
    if (cacheBytes < 0) {
      throw new IllegalArgumentException("volume " + name + ": cache_bytes must be >= 0");
    }
  }

  /** True for a legal volume (export) name. */
  public static boolean isValidName(String name) {
    return NAME.matcher(name).matches();
  }
}
