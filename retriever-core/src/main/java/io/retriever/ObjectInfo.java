package io.retriever;

import java.time.Instant;
import java.util.Objects;

/**
 * An object to download, as the lister found it: where it is, how large it is and which version
 * (ETag) it was when listed. Every GET for it carries {@code If-Match: eTag}, so a change during
 * the download is detected rather than mixed into the bytes.
 *
 * @param bucket the bucket
 * @param key the object's key
 * @param size its size in bytes
 * @param eTag its entity tag, as S3 returns it (quoted)
 * @param lastModified when it was last written, or {@code null} if unknown
 * @param checksumAlgorithm the algorithm of the full-object checksum S3 keeps for it ({@code
 *     CRC32}, {@code CRC32C}, {@code CRC64NVME}, {@code SHA1}, {@code SHA256}), as listed, or
 *     {@code null} when it has none or the lister does not say
 * @param checksumType {@code FULL_OBJECT} (a checksum of the whole object) or {@code COMPOSITE} (a
 *     checksum of each part of a multipart upload), as listed, or {@code null}
 */
public record ObjectInfo(
    String bucket,
    String key,
    long size,
    String eTag,
    Instant lastModified,
    String checksumAlgorithm,
    String checksumType) {
  /** Checks that bucket and key are given and the size is not negative. */
  public ObjectInfo {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
  }

  /** Describes an object with no checksum known. */
  public ObjectInfo(String bucket, String key, long size, String eTag, Instant lastModified) {
    this(bucket, key, size, eTag, lastModified, null, null);
  }

  /** Returns the object's address, {@code s3://bucket/key}. */
  public String uri() {
    return "s3://" + bucket + "/" + key;
  }
}
