package io.retriever;

import java.util.List;
import java.util.Objects;

/**
 * What to download: every object under a prefix of a bucket, or a list of keys.
 *
 * <p>Objects under a prefix arrive in key order, as ListObjectsV2 returns them; listed keys arrive
 * in the order given.
 *
 * @param bucket the bucket
 * @param prefix the prefix to list, or {@code null} when {@code keys} names the objects
 * @param keys the keys to fetch, or an empty list when {@code prefix} is set
 */
public record DownloadRequest(String bucket, String prefix, List<String> keys) {
  public DownloadRequest {
    Objects.requireNonNull(bucket, "bucket");
    keys = List.copyOf(keys);
    if ((prefix == null) == keys.isEmpty()) {
      throw new IllegalArgumentException("give either a prefix or a non-empty list of keys");
    }
  }

  /** Returns a request for every object whose key starts with {@code prefix}. */
  public static DownloadRequest prefix(String bucket, String prefix) {
    return new DownloadRequest(bucket, Objects.requireNonNull(prefix, "prefix"), List.of());
  }

  /** Returns a request for the objects with exactly these keys. */
  public static DownloadRequest keys(String bucket, List<String> keys) {
    return new DownloadRequest(bucket, null, keys);
  }

  /** Returns a request for one object. */
  public static DownloadRequest key(String bucket, String key) {
    return keys(bucket, List.of(key));
  }

  /** Returns a request for the prefix that {@code uri} names, e.g. {@code s3://bucket/data/}. */
  public static DownloadRequest prefix(S3Uri uri) {
    return prefix(uri.bucket(), uri.key());
  }

  /** Returns whether this request lists a prefix. */
  public boolean isPrefix() {
    return prefix != null;
  }

  @Override
  public String toString() {
    return isPrefix()
        ? "s3://" + bucket + "/" + prefix
        : keys.size() == 1
            ? "s3://" + bucket + "/" + keys.get(0)
            : keys.size() + " keys in " + bucket;
  }
}
