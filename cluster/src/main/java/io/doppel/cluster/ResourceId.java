package io.doppel.cluster;

/** Something with exactly one writer at a time: an export, a volume or a virtual server. */
public record ResourceId(Kind kind, String name) {
  /** What the resource is; part of its identity on the wire. */
  public enum Kind {
    /** An exported filesystem (file face). */
    EXPORT,
    /** A mirrored block volume (block face). */
    VOLUME,
    /** A virtual server: a name and floating address bundling exports. */
    VIRTUAL_SERVER
  }

  public ResourceId {
    if (kind == null) {
      throw new IllegalArgumentException("resource kind is required");
    }
    Ids.check(name, "resource name");
  }

  public static ResourceId export(String name) {
    return new ResourceId(Kind.EXPORT, name);
  }

  public static ResourceId volume(String name) {
    return new ResourceId(Kind.VOLUME, name);
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + name;
  }
}
