package io.doppel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** Renders one mirrored volume's {@code /status} entry for {@code doppel volume status}. */
final class VolumeStatusFormat {
  private static final int BAR = 30;

  private VolumeStatusFormat() {}

  /**
   * @param first the volume's mirror status
   * @param second the same a {@code sampleMs} later (the same object when no resync runs)
   */
  static String format(JsonNode first, JsonNode second, long sampleMs) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "volume %s: %s, epoch %d, last seq %d, dirty %s%s%n",
            second.path("volume").asText(),
            second.path("role").asText().toLowerCase(Locale.ROOT),
            second.path("epoch").asLong(),
            second.path("lastSeq").asLong(),
            StatusCommand.bytes(second.path("dirtyBytes").asLong()),
            second.path("inconsistent").asBoolean() ? ", INCONSISTENT (copy incomplete)" : ""));
    int i = 0;
    for (JsonNode r : second.path("replicas")) {
      JsonNode before = first.path("replicas").path(i++);
      out.append(
          String.format(
              Locale.ROOT,
              "  %-12s %-12s durable seq %d, lag %s%n",
              r.path("node").asText(),
              r.path("state").asText(),
              r.path("durableSeq").asLong(),
              StatusCommand.bytes(r.path("lagBytes").asLong())));
      long total = r.path("resyncBytesTotal").asLong();
      if (total > 0) {
        out.append("    resync ").append(progress(before, r, sampleMs)).append('\n');
      }
    }
    return out.toString();
  }

  /** {@code [#####-----] 42% 12.0 MiB/40.0 MiB ETA 3s}. */
  static String progress(JsonNode before, JsonNode now, long sampleMs) {
    long total = now.path("resyncBytesTotal").asLong();
    long done = Math.min(total, now.path("resyncBytesDone").asLong());
    int filled = (int) (BAR * done / Math.max(1, total));
    long rate =
        (now.path("resyncBytesDone").asLong() - before.path("resyncBytesDone").asLong())
            * 1000
            / Math.max(1, sampleMs);
    String eta =
        done >= total ? "done" : rate <= 0 ? "ETA ?" : "ETA " + ((total - done) / rate) + "s";
    return String.format(
        Locale.ROOT,
        "[%s%s] %3d%% %s/%s %s",
        "#".repeat(filled),
        "-".repeat(BAR - filled),
        100 * done / Math.max(1, total),
        StatusCommand.bytes(done),
        StatusCommand.bytes(total),
        eta);
  }

  /** {@code doppel volume list}: one line per volume of a {@code /status} answer. */
  static String list(JsonNode status) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%-20s %12s  %-8s %-8s %s%n",
            "NAME",
            "SIZE",
            "MIRRORED",
            "ROLE",
            "STATE"));
    for (JsonNode v : status.path("volumes")) {
      JsonNode m = v.path("mirror");
      boolean mirrored = m.isObject();
      out.append(
          String.format(
              Locale.ROOT,
              "%-20s %12s  %-8s %-8s %s%n",
              v.path("name").asText(),
              human(v.path("sizeBytes").asLong()),
              mirrored ? "yes" : "no",
              mirrored ? m.path("role").asText().toLowerCase(Locale.ROOT) : "local",
              state(v)));
    }
    return out.toString();
  }

  /** What the volume is doing on this node, in a few words. */
  private static String state(JsonNode v) {
    JsonNode m = v.path("mirror");
    String access = v.path("readOnly").asBoolean() ? "serving read-only" : "serving";
    if (!m.isObject()) {
      return access;
    }
    if (!m.path("role").asText().equals("PRIMARY")) {
      return m.path("inconsistent").asBoolean()
          ? "backup, INCONSISTENT (copy incomplete)"
          : "backup, applied seq " + m.path("lastSeq").asLong();
    }
    StringBuilder replicas = new StringBuilder();
    for (JsonNode r : m.path("replicas")) {
      replicas.append(replicas.isEmpty() ? ", " : " ");
      replicas.append(r.path("node").asText()).append('=').append(r.path("state").asText());
    }
    return access + replicas;
  }

  /** {@code doppel volume show NAME}: configuration, then the mirror status if mirrored. */
  static String show(JsonNode v) {
    StringBuilder out = new StringBuilder();
    long size = v.path("sizeBytes").asLong();
    out.append(String.format(Locale.ROOT, "volume %s%n", v.path("name").asText()));
    out.append(String.format(Locale.ROOT, "  size       %s (%d bytes)%n", human(size), size));
    out.append(String.format(Locale.ROOT, "  path       %s%n", v.path("path").asText()));
    out.append(
        String.format(
            Locale.ROOT, "  read-only  %s%n", v.path("readOnly").asBoolean() ? "yes" : "no"));
    JsonNode m = v.path("mirror");
    if (!m.isObject()) {
      out.append("  mirrored   no\n");
      return out.toString();
    }
    out.append("  mirrored   yes\n  ");
    out.append(format(m, m, 0).replace("\n  ", "\n    "));
    return out.toString();
  }

  /**
   * One progress line: {@code verify v: RUNNING [###---] 42% 1.5 GiB/3.5 GiB 120.0 MiB/s ETA 9s}.
   */
  static String verifyProgress(JsonNode r) {
    long total = r.path("totalBytes").asLong();
    long done = Math.min(total, r.path("bytesDone").asLong());
    int filled = (int) (BAR * done / Math.max(1, total));
    long eta = r.path("etaMillis").asLong();
    return String.format(
        Locale.ROOT,
        "verify %s: %-9s [%s%s] %3d%% %s/%s %s/s %s",
        r.path("volume").asText(),
        r.path("state").asText(),
        "#".repeat(filled),
        "-".repeat(BAR - filled),
        100 * done / Math.max(1, total),
        human(done),
        human(total),
        human(r.path("rateBytesPerSecond").asLong()),
        done >= total ? "walked" : eta < 0 ? "ETA ?" : "ETA " + (eta + 999) / 1000 + "s");
  }

  /** The verify's result: per backup, identical or its differing ranges. */
  static String verifyResult(JsonNode r) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "verify of %s: %s after %.1f s, %s compared at %s/s in %s regions%n",
            r.path("volume").asText(),
            r.path("state").asText(),
            r.path("elapsedMillis").asLong() / 1000.0,
            human(r.path("bytesDone").asLong()),
            human(r.path("rateBytesPerSecond").asLong()),
            human(r.path("regionBytes").asLong())));
    if (!r.path("error").isNull() && !r.path("error").asText().isEmpty()) {
      out.append("  error: ").append(r.path("error").asText()).append('\n');
    }
    for (JsonNode b : r.path("replicas")) {
      out.append(replicaResult(b, r.path("repair").asBoolean()));
    }
    return out.toString();
  }

  private static String replicaResult(JsonNode b, boolean repair) {
    StringBuilder out = new StringBuilder();
    String node = b.path("node").asText();
    long unverified = b.path("unverifiedBytes").asLong();
    JsonNode differing = b.path("differing");
    long differingBytes = 0;
    for (JsonNode d : differing) {
      differingBytes += d.path("length").asLong();
    }
    out.append(
        String.format(
            Locale.ROOT,
            "  %s: %s, verified %s%s%n",
            node,
            differing.isEmpty() ? "identical" : "DIFFERS in " + human(differingBytes),
            human(b.path("verifiedBytes").asLong()),
            unverified > 0 ? ", NOT verified " + human(unverified) + " (out of sync)" : ""));
    for (JsonNode d : differing) {
      long offset = d.path("offset").asLong();
      long length = d.path("length").asLong();
      out.append(
          String.format(
              Locale.ROOT, "    region offset %d length %d (%s)%n", offset, length, human(length)));
    }
    if (repair && !differing.isEmpty()) {
      out.append(
          b.path("repaired").asBoolean()
              ? "    repaired: the resync copied these regions\n"
              : "    repair requested; not in sync again yet\n");
    }
    return out.toString();
  }

  /** {@code 0 B}, {@code 512 B}, {@code 1.5 KiB}, {@code 256.0 MiB}. */
  static String human(long n) {
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    if (n < 1024) {
      return n + " B";
    }
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
