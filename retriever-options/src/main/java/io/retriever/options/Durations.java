package io.retriever.options;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads durations the way people type them: {@code 90s}, {@code 5m}, {@code 2min}, {@code 1h}. */
public final class Durations implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern DURATION =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|sec|m|min|h)?", Pattern.CASE_INSENSITIVE);

  /** Parses a duration; a plain number is seconds. */
  public static Duration parse(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (e.g. 90s, 5m, 1h; a plain number is seconds)");
    }
    double number = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
    double millis =
        number
            * switch (unit) {
              case "ms" -> 1;
              case "m", "min" -> 60_000;
              case "h" -> 3_600_000;
              default -> 1_000;
            };
    if (millis > Long.MAX_VALUE / 2) {
      throw new IllegalArgumentException("'" + text + "' is too long");
    }
    return Duration.ofMillis(Math.round(millis));
  }

  @Override
  public Duration convert(String value) {
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
