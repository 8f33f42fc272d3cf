package io.retriever.spark.internal;

import io.retriever.ObjectInfo;
import java.io.Serializable;
import java.time.Instant;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An object as a listing task found it, in a form Spark can ship between tasks: {@link ObjectInfo}
 * without the bucket, which the whole download shares.
 *
 * @param lastModifiedMillis epoch milliseconds, or -1 when unknown
 */
public record ListedObject(
    String key,
    long size,
    String eTag,
    long lastModifiedMillis,
    String checksumAlgorithm,
    String checksumType)
    implements Serializable {

  /** Returns what ListObjectsV2 said of {@code o}. */
  public static ListedObject of(S3Object o) {
    String algorithm =
        o.hasChecksumAlgorithm() && !o.checksumAlgorithmAsStrings().isEmpty()
            ? o.checksumAlgorithmAsStrings().get(0)
            : null;
    return new ListedObject(
        o.key(),
        o.size(),
        o.eTag(),
        o.lastModified() == null ? -1 : o.lastModified().toEpochMilli(),
        algorithm,
        o.checksumTypeAsString());
  }

  /** Returns what the core's listing said of {@code o}. */
  public static ListedObject of(ObjectInfo o) {
    return new ListedObject(
        o.key(),
        o.size(),
        o.eTag(),
        o.lastModified() == null ? -1 : o.lastModified().toEpochMilli(),
        o.checksumAlgorithm(),
        o.checksumType());
  }

  /** Returns the object in {@code bucket} as the core describes it. */
  public ObjectInfo toObjectInfo(String bucket) {
    Instant modified = lastModifiedMillis < 0 ? null : Instant.ofEpochMilli(lastModifiedMillis);
    return new ObjectInfo(bucket, key, size, eTag, modified, checksumAlgorithm, checksumType);
  }
}
