package io.retriever.spark.internal;

import io.retriever.options.Sizes;
import io.retriever.spark.SparkDownloadOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads {@link SparkDownloadOptions} from string options, as Spark's {@code option(name, value)}
 * gives them: names in any case, values as typed. A bad value or an unknown name fails with one
 * message that names the option.
 */
public final class OptionMap {
  /** The setters by lower-case name, in the order the names are listed in messages. */
  private static final Map<String, Option> OPTIONS = new LinkedHashMap<>();

  private record Option(String name, BiConsumer<SparkDownloadOptions.Builder, String> set) {}

  static {
    add("endpoint", (b, v) -> b.endpoint(uri(v)));
    add("region", SparkDownloadOptions.Builder::region);
    add("pathStyle", (b, v) -> b.pathStyle(bool(v)));
    // Paired below: one without the other is refused.
    add("accessKeyId", (b, v) -> {});
    add("secretAccessKey", (b, v) -> {});
    add(
        "anonymous",
        (b, v) -> {
          if (bool(v)) {
            b.anonymous();
          }
        });
    add("concurrency", (b, v) -> b.concurrency(integer(v)));
    add("chunkSize", (b, v) -> b.chunkSize(Sizes.parse(v)));
    add("maxInFlightBytes", (b, v) -> b.maxInFlightBytes(Sizes.parse(v)));
    add("exclude", (b, v) -> globs(v).forEach(b::exclude));
    add("include", (b, v) -> globs(v).forEach(b::include));
    add("overwrite", (b, v) -> b.overwrite(bool(v)));
    add("unitsPerSlot", (b, v) -> b.unitsPerSlot(integer(v)));
    add("splitSize", (b, v) -> b.splitSize(Sizes.parse(v)));
    add("profile", SparkDownloadOptions.Builder::profile);
  }

  private OptionMap() {}

  private static void add(String name, BiConsumer<SparkDownloadOptions.Builder, String> set) {
    OPTIONS.put(name.toLowerCase(Locale.ROOT), new Option(name, set));
  }

  /** Returns the options' names as they are documented. */
  public static List<String> names() {
    return OPTIONS.values().stream().map(Option::name).toList();
  }

  /**
   * Returns the options {@code values} give. Excludes are applied before includes, so that {@code
   * exclude=*} with {@code include=*.jpg} takes only the JPEGs.
   *
   * @throws IllegalArgumentException that names the option, for a bad value or an unknown name
   */
  public static SparkDownloadOptions parse(Map<String, String> values) {
    Map<String, String> byName = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (!OPTIONS.containsKey(name)) {
        throw new IllegalArgumentException(
            "unknown option '" + e.getKey() + "'; the options are " + String.join(", ", names()));
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException(
            "option '" + OPTIONS.get(name).name() + "' has no value");
      }
      byName.put(name, e.getValue());
    }
    SparkDownloadOptions.Builder builder = SparkDownloadOptions.builder();
    // In the table's order, whatever the map's: excludes before includes.
    for (Map.Entry<String, Option> o : OPTIONS.entrySet()) {
      String value = byName.get(o.getKey());
      if (value != null) {
        set(builder, o.getValue(), value);
      }
    }
    String key = byName.get("accesskeyid");
    String secret = byName.get("secretaccesskey");
    if ((key == null) != (secret == null)) {
      throw new IllegalArgumentException(
          "options 'accessKeyId' and 'secretAccessKey' go together; give both, or neither for the"
              + " SDK's default credentials");
    }
    if (key != null) {
      if (byName.containsKey("anonymous") && bool(byName.get("anonymous"))) {
        throw new IllegalArgumentException(
            "option 'anonymous' is true but 'accessKeyId' is given: choose one");
      }
      builder.credentials(key, secret);
    }
    return builder.build();
  }

  private static void set(SparkDownloadOptions.Builder builder, Option option, String value) {
    try {
      option.set().accept(builder, value);
    } catch (RuntimeException e) {
      // The secret never reaches a message; every other value is shown as given.
      String shown = option.name().equals("secretAccessKey") ? "(hidden)" : "'" + value + "'";
      throw new IllegalArgumentException(
          "option '" + option.name() + "' = " + shown + ": " + e.getMessage(), e);
    }
  }

  private static URI uri(String value) {
    try {
      URI uri = new URI(value);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("give a URL such as http://127.0.0.1:9000");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL (" + e.getReason() + ")", e);
    }
  }

  private static boolean bool(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    throw new IllegalArgumentException("give true or false");
  }

  private static int integer(String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number", e);
    }
  }

  /** Splits comma-separated globs; an empty one is refused. */
  private static List<String> globs(String value) {
    List<String> globs = List.of(value.split(",", -1)).stream().map(String::trim).toList();
    if (globs.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("give globs separated by commas, none of them empty");
    }
    return globs;
  }
}
