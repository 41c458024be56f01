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
}
