package io.doppel.server.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte count written as an integer ({@code 1048576}) or a number with a binary unit ({@code
 * "64M"}, {@code "10G"}, {@code "512K"}, {@code "1T"}; {@code "64MiB"} and {@code "64MB"} mean the
 * same; a bare {@code "4096"} or {@code "4096B"} is bytes). Units are powers of 1024: disk images
 * are sized in those.
 */
public final class ByteSize {
  public static final String EXPECTED =
      "a size like 1073741824, \"64M\", \"10G\" (K, M, G, T = 1024^n)";
  private static final Pattern TEXT =
      Pattern.compile("\\s*(\\d{1,19})\\s*(?:([KMGT])(?:I?B)?|B)?\\s*", Pattern.CASE_INSENSITIVE);

  private ByteSize() {}

  /** Parses text; IllegalArgumentException (with a reason when useful) when unusable. */
  public static long parse(String text) {
    Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException();
    }
    long number;
    try {
      number = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("too large");
    }
    int shift =
        m.group(2) == null
            ? 0
            : switch (m.group(2).toUpperCase(Locale.ROOT)) {
              case "K" -> 10;
              case "M" -> 20;
              case "G" -> 30;
              default -> 40;
            };
    if (number > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("too large");
    }
    return number << shift;
  }

  /** The value of {@code key}: an integer or a size string; empty when missing or invalid. */
  static java.util.Optional<Long> read(TableReader t, String key, boolean required) {
    if (t.isString(key)) {
      return t.parsed(key, required, EXPECTED, ByteSize::parse);
    }
    return t.integer(key, 0, Long.MAX_VALUE, EXPECTED, required);
  }
}
