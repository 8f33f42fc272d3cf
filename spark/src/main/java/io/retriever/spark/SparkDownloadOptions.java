package io.retriever.spark;

import io.retriever.KeyFilter;
import io.retriever.Retriever;
import io.retriever.spark.internal.OptionMap;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a distributed download reaches S3 and how each executor's {@link Retriever} is tuned: the
 * main options of {@code retriever get}. Immutable and serializable: Spark ships it to every task.
 *
 * <p>Zero for {@code concurrency} or {@code maxInFlightBytes} sizes them from each executor's cores
 * and heap.
 *
 * @param endpoint an S3-compatible endpoint, or {@code null} for AWS
 * @param region the bucket's region, or {@code null} for the SDK's region chain
 * @param pathStyle whether the bucket goes in the URL path
 * @param accessKeyId static credentials, or {@code null} for the SDK's default chain
 * @param secretAccessKey the secret of {@code accessKeyId}
 * @param anonymous whether requests go unsigned (public buckets)
 * @param concurrency GETs in flight per executor, or 0 for 16 per core (at least 64, at most 256)
 * @param chunkSize bytes per ranged GET
 * @param maxInFlightBytes the in-flight byte budget per executor, or 0 for a quarter of its heap
 * @param rules include and exclude rules in order, each {@code +GLOB} or {@code -GLOB}
 * @param overwrite whether files that exist are replaced
 * @param unitsPerSlot work units per task slot, so that fast executors pull more
 * @param splitSize the fewest bytes of one object a work unit takes when an object is split across
 *     units in byte ranges; 0 keeps every object whole
 * @param profile a profile of the shared AWS config and credentials files (on every executor) whose
 *     credentials and region to use, or {@code null}
 */
public record SparkDownloadOptions(
    String endpoint,
    String region,
    boolean pathStyle,
    String accessKeyId,
    String secretAccessKey,
    boolean anonymous,
    int concurrency,
    long chunkSize,
    long maxInFlightBytes,
    List<String> rules,
    boolean overwrite,
    int unitsPerSlot,
    long splitSize,
    String profile)
    implements Serializable {

  /** The default {@link #splitSize}: 64 MiB. */
  public static final long DEFAULT_SPLIT_SIZE = 64L << 20;

  /** Checks the rules' form and copies them. */
  public SparkDownloadOptions {
    rules = List.copyOf(rules);
    for (String rule : rules) {
      if (rule.length() < 2 || (rule.charAt(0) != '+' && rule.charAt(0) != '-')) {
        throw new IllegalArgumentException("a rule is +GLOB or -GLOB, got '" + rule + "'");
      }
    }
  }

  /** Returns a builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the options that string values give, by name in any case, as Spark's {@code
   * option(name, value)} passes them: {@code endpoint}, {@code region}, {@code pathStyle}, {@code
   * accessKeyId} with {@code secretAccessKey} (else the SDK's default chain), {@code anonymous},
   * {@code concurrency}, {@code chunkSize} and {@code maxInFlightBytes} (sizes such as {@code
   * 8MiB}), {@code include} and {@code exclude} (comma-separated globs; excludes apply first),
   * {@code overwrite}, {@code unitsPerSlot}, {@code splitSize}, {@code profile}.
   *
   * @throws IllegalArgumentException that names the option, for a bad value or an unknown name
   */
  public static SparkDownloadOptions fromMap(Map<String, String> values) {
    return OptionMap.parse(values);
  }

  /** Returns the defaults: AWS, the SDK's chains, sizes from each executor. */
  public static SparkDownloadOptions defaults() {
    return builder().build();
  }

  /** Returns the filter the include and exclude rules make. */
  public KeyFilter filter() {
    KeyFilter filter = KeyFilter.all();
    for (String rule : rules) {
      String glob = rule.substring(1);
      filter = rule.charAt(0) == '+' ? filter.include(glob) : filter.exclude(glob);
    }
    return filter;
  }

  /** Describes the options without the secret, which must never reach a log. */
  @Override
  public String toString() {
    return "SparkDownloadOptions[endpoint="
        + endpoint
        + ", region="
        + region
        + ", pathStyle="
        + pathStyle
        + ", credentials="
        + (anonymous
            ? "anonymous"
            : accessKeyId != null
                ? "static " + accessKeyId
                : profile != null ? "profile " + profile : "default chain")
        + ", concurrency="
        + concurrency
        + ", chunkSize="
        + chunkSize
        + ", maxInFlightBytes="
        + maxInFlightBytes
        + ", rules="
        + rules
        + ", overwrite="
        + overwrite
        + ", unitsPerSlot="
        + unitsPerSlot
        + ", splitSize="
        + splitSize
        + "]";
  }

  /** Configures {@link SparkDownloadOptions}; each setter checks its value at once. */
  public static final class Builder {
    private String endpoint;
    private String region;
    private boolean pathStyle;
    private String accessKeyId;
    private String secretAccessKey;
    private boolean anonymous;
    private int concurrency;
    private long chunkSize = Retriever.DEFAULT_CHUNK_SIZE;
    private long maxInFlightBytes;
    private final List<String> rules = new ArrayList<>();
    private boolean overwrite;
    private int unitsPerSlot = 3;
    private long splitSize = DEFAULT_SPLIT_SIZE;
    private String profile;

    private Builder() {}

    /** Sets an S3-compatible endpoint, e.g. {@code http://127.0.0.1:9000}. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint").toString();
      return this;
    }

    /** Sets the bucket's region. */
    public Builder region(String region) {
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /** Puts the bucket in the URL path, as most S3-compatible stores want. */
    public Builder pathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    /** Signs with these static credentials instead of the SDK's default chain. */
    public Builder credentials(String accessKeyId, String secretAccessKey) {
      this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
      this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
      this.anonymous = false;
      this.profile = null;
      return this;
    }

    /**
     * Signs with the credentials of this profile of the shared AWS config and credentials files,
     * and takes its region unless one is set; every executor reads its own files.
     */
    public Builder profile(String profile) {
      this.profile = Objects.requireNonNull(profile, "profile");
      this.anonymous = false;
      this.accessKeyId = null;
      this.secretAccessKey = null;
      return this;
    }

    /** Sends unsigned requests, for public buckets. */
    public Builder anonymous() {
      this.anonymous = true;
      this.accessKeyId = null;
      this.secretAccessKey = null;
      this.profile = null;
      return this;
    }

    /** Sets the GETs in flight per executor; 0 sizes it from the executor's cores. */
    public Builder concurrency(int concurrency) {
      if (concurrency < 0) {
        throw new IllegalArgumentException(
            "concurrency must be at least 1 (or 0 for 16 per core, at least 64), got "
                + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /** Sets the bytes per ranged GET. */
    public Builder chunkSize(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("chunk size must be at least 1 byte, got " + bytes);
      }
      this.chunkSize = bytes;
      return this;
    }

    /** Sets the in-flight byte budget per executor; 0 sizes it from the executor's heap. */
    public Builder maxInFlightBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException(
            "the budget must be positive (or 0 for a quarter of the heap), got " + bytes);
      }
      this.maxInFlightBytes = bytes;
      return this;
    }

    /** Adds a rule that takes keys matching {@code glob} (see {@link KeyFilter}). */
    public Builder include(String glob) {
      // Compiles the glob now, so that a malformed one fails here rather than in a task.
      KeyFilter.all().include(glob);
      rules.add("+" + glob);
      return this;
    }

    /** Adds a rule that leaves keys matching {@code glob} (see {@link KeyFilter}). */
    public Builder exclude(String glob) {
      // Compiles the glob now, so that a malformed one fails here rather than in a task.
      KeyFilter.all().exclude(glob);
      rules.add("-" + glob);
      return this;
    }

    /** Replaces files that exist instead of failing their objects. */
    public Builder overwrite(boolean overwrite) {
      this.overwrite = overwrite;
      return this;
    }

    /** Sets the work units per task slot (default 3). */
    public Builder unitsPerSlot(int units) {
      if (units < 1) {
        throw new IllegalArgumentException("at least 1 unit per slot, got " + units);
      }
      this.unitsPerSlot = units;
      return this;
    }

    /**
     * Sets the fewest bytes of one object that a work unit takes when a large object is split
     * across units in byte ranges (default 64 MiB); 0 keeps every object whole in one unit.
     */
    public Builder splitSize(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException(
            "the split size must be positive (or 0 to keep objects whole), got " + bytes);
      }
      this.splitSize = bytes;
      return this;
    }

    /** Builds the options. */
    public SparkDownloadOptions build() {
      return new SparkDownloadOptions(
          endpoint,
          region,
          pathStyle,
          accessKeyId,
          secretAccessKey,
          anonymous,
          concurrency,
          chunkSize,
          maxInFlightBytes,
          rules,
          overwrite,
          unitsPerSlot,
          splitSize,
          profile);
    }
  }
}
