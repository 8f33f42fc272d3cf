package io.retriever.options;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads and writes byte sizes the way people type them: {@code 8MiB}, {@code 512k}, {@code 1GB}.
 */
public final class Sizes implements CommandLine.ITypeConverter<Long> {
  private static final Pattern SIZE =
      Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?)(b?)", Pattern.CASE_INSENSITIVE);
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

  /**
   * Parses a size. Binary units ({@code KiB}, {@code MiB}, {@code GiB}, {@code TiB}) and bare
   * letters ({@code k}, {@code M}, {@code G}) count in 1024s; {@code KB}, {@code MB}, {@code GB}
   * count in 1000s; a plain number is bytes.
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 8MiB, 512KiB, 1GiB)");
    }
    double number = Double.parseDouble(m.group(1));
    String unit = m.group(2).toLowerCase(Locale.ROOT);
    boolean decimal = m.group(3).isEmpty() && !m.group(4).isEmpty();
    int power = unit.isEmpty() ? 0 : "kmgt".indexOf(unit) + 1;
    double factor = Math.pow(decimal ? 1000 : 1024, power);
    double bytes = number * factor;
    if (bytes > Long.MAX_VALUE / 2) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return Math.round(bytes);
  }

  @Override
  public Long convert(String value) {
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }

  /** Formats bytes with a binary unit: {@code 1.5 GiB}. */
  public static String format(double bytes) {
    int unit = 0;
    while (Math.abs(bytes) >= 1024 && unit < UNITS.length - 1) {
      bytes /= 1024;
      unit++;
    }
    return unit == 0
        ? String.format(Locale.ROOT, "%.0f B", bytes)
        : String.format(Locale.ROOT, "%.1f %s", bytes, UNITS[unit]);
  }
}
