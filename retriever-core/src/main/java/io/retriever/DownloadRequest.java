package io.retriever;

import io.retriever.internal.sink.SafePaths;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What to download: every object under a prefix of a bucket, or a list of keys, less what the
 * filter leaves out.
 *
 * <p>Objects under a prefix arrive in key order, as ListObjectsV2 returns them; listed keys arrive
 * in the order given.
 *
 * @param bucket the bucket
 * @param prefix the prefix to list, or {@code null} when {@code keys} names the objects
 * @param keys the keys to fetch, or an empty list when {@code prefix} is set
 * @param filter which keys to take ({@link KeyFilter#all()} for every one)
 */
public record DownloadRequest(String bucket, String prefix, List<String> keys, KeyFilter filter) {
  /** Checks that exactly one of {@code prefix} and {@code keys} names the objects. */
  public DownloadRequest {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(filter, "filter");
    keys = List.copyOf(keys);
    if ((prefix == null) == keys.isEmpty()) {
      throw new IllegalArgumentException("give either a prefix or a non-empty list of keys");
    }
  }

  /** Returns a request for every object whose key starts with {@code prefix}. */
  public static DownloadRequest prefix(String bucket, String prefix) {
    return new DownloadRequest(
        bucket, Objects.requireNonNull(prefix, "prefix"), List.of(), KeyFilter.all());
  }

  /** Returns a request for the objects with exactly these keys. */
  public static DownloadRequest keys(String bucket, List<String> keys) {
    return new DownloadRequest(bucket, null, keys, KeyFilter.all());
  }

  /** Returns a request for one object. */
  public static DownloadRequest key(String bucket, String key) {
    return keys(bucket, List.of(key));
  }

  /** Returns a request for the prefix that {@code uri} names, e.g. {@code s3://bucket/data/}. */
  public static DownloadRequest prefix(S3Uri uri) {
    return prefix(uri.bucket(), uri.key());
  }

  /**
   * Returns a request for the keys a wildcard address matches, e.g. {@code
   * s3://bucket/logs/2021-*}{@code /*.gz}: the prefix up to the first wildcard is listed, and the
   * rest of the pattern filters what it finds (see {@link KeyFilter}).
   *
   * @throws IllegalArgumentException if the key has no wildcard
   */
  public static DownloadRequest wildcard(S3Uri uri) {
    int first = KeyFilter.firstWildcard(uri.key());
    if (first < 0) {
      throw new IllegalArgumentException("no wildcard in " + uri);
    }
    String literal = uri.key().substring(0, first);
    String base = literal.substring(0, literal.lastIndexOf('/') + 1);
    return prefix(uri.bucket(), literal)
        .withFilter(KeyFilter.all().matching(uri.key().substring(base.length())));
  }

  /** Returns this request with {@code filter} instead of its own. */
  public DownloadRequest withFilter(KeyFilter filter) {
    return new DownloadRequest(bucket, prefix, keys, filter);
  }

  /** Returns whether this request lists a prefix. */
  public boolean isPrefix() {
    return prefix != null;
  }

  /**
   * Returns the part of the keys that is not repeated below a destination directory, and that
   * filters do not see: the prefix up to its last {@code /}, or nothing for a list of keys.
   */
  public String base() {
    return isPrefix() ? prefix.substring(0, prefix.lastIndexOf('/') + 1) : "";
  }

  /**
   * Returns where a download of this request into {@code directory} puts {@code object}: its key
   * below {@link #base()}, as a path below the directory.
   *
   * @throws RetrieverException if the key is not safe as a path there (it would leave the
   *     directory, ends in {@code /}, holds a {@code ..} segment, ...), saying why
   */
  public Path pathIn(Path directory, ObjectInfo object) {
    return SafePaths.below(directory, base()).apply(object);
  }

  /** Returns whether the filter takes {@code key}. */
  public boolean accepts(String key) {
    String base = base();
    return filter.accepts(key.startsWith(base) ? key.substring(base.length()) : key);
  }

  @Override
  public String toString() {
    String what =
        isPrefix()
            ? "s3://" + bucket + "/" + prefix
            : keys.size() == 1
                ? "s3://" + bucket + "/" + keys.get(0)
                : keys.size() + " keys in " + bucket;
    return filter.acceptsAll() ? what : what + " (" + filter + ")";
  }
}
