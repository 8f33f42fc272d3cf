package io.retriever.spark.internal.source;

import io.retriever.S3Uri;
import io.retriever.options.Sizes;
import io.retriever.spark.SparkDownloadOptions;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The options of one read of the {@code retriever} data source: where from, how to reach it (the
 * options of a distributed download), whether to fetch the bytes, and how much each task takes.
 *
 * @param bucket the bucket
 * @param prefix the prefix of the keys read
 * @param download how S3 is reached and each executor's retriever tuned
 * @param content whether the {@code content} column exists
 * @param maxPartitionBytes the most bytes (plus 256 KiB per object) one partition takes
 * @param batchBytes the most bytes one task holds in memory per batch of objects
 */
record ReadOptions(
    String bucket,
    String prefix,
    SparkDownloadOptions download,
    boolean content,
    long maxPartitionBytes,
    long batchBytes)
    implements Serializable {

  static final String PATH = "path";
  static final String CONTENT = "content";
  static final String MAX_PARTITION_BYTES = "maxPartitionBytes";
  static final String BATCH_BYTES = "batchBytes";

  /** Spark's default for file sources ({@code spark.sql.files.maxPartitionBytes}). */
  static final long DEFAULT_MAX_PARTITION_BYTES = 128L << 20;

  static final long DEFAULT_BATCH_BYTES = 32L << 20;

  /**
   * Reads the options Spark gives a read: {@code path} ({@code s3://bucket/prefix}), the data
   * source's own ({@code content}, {@code maxPartitionBytes}, {@code batchBytes}) and those of
   * {@link SparkDownloadOptions#fromMap}, by name in any case.
   *
   * @throws IllegalArgumentException that names the option, for a bad value or an unknown name
   */
  static ReadOptions parse(Map<String, String> options) {
    Map<String, String> rest = new HashMap<>();
    Map<String, String> own = new HashMap<>();
    for (Map.Entry<String, String> e : options.entrySet()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      switch (name) {
        case "path", "content", "maxpartitionbytes", "batchbytes" -> own.put(name, e.getValue());
        case "paths" ->
            throw new IllegalArgumentException(
                "the retriever data source reads one s3://bucket/prefix; give load() one path");
        default -> rest.put(e.getKey(), e.getValue());
      }
    }
    String path = own.get("path");
    if (path == null) {
      throw new IllegalArgumentException(
          "give the objects to read: load(\"s3://bucket/prefix\") or option(\"path\", ...)");
    }
    S3Uri source = S3Uri.parse(path);
    SparkDownloadOptions download = SparkDownloadOptions.fromMap(rest);
    boolean content = bool(CONTENT, own.getOrDefault("content", "true"));
    long maxPartitionBytes =
        size(MAX_PARTITION_BYTES, own.get("maxpartitionbytes"), DEFAULT_MAX_PARTITION_BYTES);
    long batchBytes = size(BATCH_BYTES, own.get("batchbytes"), DEFAULT_BATCH_BYTES);
    return new ReadOptions(
        source.bucket(), source.key(), download, content, maxPartitionBytes, batchBytes);
  }

  /** Returns the address read. */
  String uri() {
    return "s3://" + bucket + "/" + prefix;
  }

  private static boolean bool(String name, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(
          "option '" + name + "' = '" + value + "': give true or false");
    }
    return v.equals("true");
  }

  private static long size(String name, String value, long otherwise) {
    if (value == null) {
      return otherwise;
    }
    long bytes;
    try {
      bytes = Sizes.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("option '" + name + "' = " + e.getMessage(), e);
    }
    if (bytes < 1) {
      throw new IllegalArgumentException(
          "option '" + name + "' = '" + value + "': give at least 1 byte, e.g. 64MiB");
    }
    return bytes;
  }
}
