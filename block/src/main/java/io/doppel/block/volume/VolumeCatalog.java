package io.doppel.block.volume;

import io.doppel.block.cache.CachedVolume;
import io.doppel.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volumes of one node, opened from their definitions at start-up and shared by every NBD
 * connection. A definition without a path gets a sparse image {@code <directory>/<name>.img}.
 *
 * <p>Each volume is stacked as {@code CachedVolume(decorator(FileVolume))}: the decorator is the
 * seam where the replication module puts its mirrored volume (local write + remote write), so the
 * read cache stays outermost and the NBD code sees only {@link Volume}.
 */
public final class VolumeCatalog implements VolumeLookup, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeCatalog.class);

  private final Map<String, Volume> volumes;

  private VolumeCatalog(Map<String, Volume> volumes) {
    this.volumes = volumes;
  }

  /** Opens every volume without decoration (a single node). */
  public static VolumeCatalog open(
      Path directory, List<VolumeDefinition> definitions, MetricRegistry metrics)
      throws IOException {
    return open(directory, definitions, metrics, (def, volume) -> volume);
  }

  /**
   * Opens (creating sparse images where needed) every volume. On any failure the volumes opened so
   * far are closed and the error names the volume.
   */
  public static VolumeCatalog open(
      Path directory,
      List<VolumeDefinition> definitions,
      MetricRegistry metrics,
      VolumeDecorator decorator)
      throws IOException {
    Map<String, Volume> opened = new LinkedHashMap<>();
    try {
      for (VolumeDefinition def : definitions) {
        if (opened.containsKey(def.name())) {
          throw new IllegalArgumentException("volume " + def.name() + " is defined twice");
        }
        opened.put(def.name(), openOne(directory, def, metrics, decorator));
      }
    } catch (IOException | RuntimeException e) {
      try {
        closeAll(opened.values());
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return new VolumeCatalog(opened);
  }

  private static Volume openOne(
      Path directory, VolumeDefinition def, MetricRegistry metrics, VolumeDecorator decorator)
      throws IOException {
    Path path = def.path();
    if (path == null) {
      Files.createDirectories(directory);
      path = directory.resolve(def.name() + ".img");
    }
    Volume base = FileVolume.createOrOpen(def.name(), path, def.sizeBytes(), def.readOnly());
    Volume decorated = decorator.decorate(def, base);
    Volume top =
        def.cacheBytes() > 0 ? new CachedVolume(decorated, def.cacheBytes(), metrics) : decorated;
    LOG.info(
        "event=volume_opened name={} path={} size_bytes={} read_only={} cache_bytes={}",
        def.name(),
        path,
        top.sizeBytes(),
        def.readOnly(),
        def.cacheBytes());
    return top;
  }

  /** Builds a catalog over already-open volumes (tests, or a caller that stacks its own). */
  public static VolumeCatalog of(List<? extends Volume> volumes) {
    Map<String, Volume> map = new LinkedHashMap<>();
    for (Volume v : volumes) {
      map.put(v.name(), v);
    }
    return new VolumeCatalog(map);
  }

  @Override
  public Optional<Volume> find(String name) {
    return Optional.ofNullable(volumes.get(name));
  }

  @Override
  public List<String> names() {
    return List.copyOf(volumes.keySet());
  }

  @Override
  public void close() throws IOException {
    closeAll(volumes.values());
  }

  private static void closeAll(Iterable<Volume> toClose) throws IOException {
    List<IOException> failures = new ArrayList<>();
    for (Volume v : toClose) {
      try {
        v.close();
      } catch (IOException e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      IOException first = failures.get(0);
      failures.subList(1, failures.size()).forEach(first::addSuppressed);
      throw first;
    }
  }

  /** Wraps a freshly opened local volume, e.g. in a mirrored volume. */
  @FunctionalInterface
  public interface VolumeDecorator {
    Volume decorate(VolumeDefinition definition, Volume local) throws IOException;
  }

  /** Convenience for decorators that ignore the definition. */
  public static VolumeDecorator decorator(UnaryOperator<Volume> wrap) {
    return (def, volume) -> wrap.apply(volume);
  }
}
