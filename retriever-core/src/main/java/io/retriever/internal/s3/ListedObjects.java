package io.retriever.internal.s3;

import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The objects under a prefix, in key order, fetched a page at a time as the iteration advances;
 * pages are asked for again when they fail on the way, as for a download.
 *
 * <p>Concurrency: one thread iterates.
 */
public final class ListedObjects implements Iterator<ObjectInfo> {
  private final S3Access s3;
  private final String bucket;
  private final String prefix;
  private final ListingPages pages;
  private Iterator<S3Object> page = List.<S3Object>of().iterator();
  private boolean last;

  /**
   * Lists {@code prefix} after {@code startAfter} (or from its first key when null), trying each
   * page up to {@code maxAttempts} times.
   */
  public ListedObjects(
      S3Access s3, String bucket, String prefix, String startAfter, int maxAttempts) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.pages =
        new ListingPages(s3, bucket, prefix, maxAttempts, () -> {}, () -> true, null, startAfter);
  }

  /** Returns what a listing said of {@code o}: size, ETag, time and checksum, if any. */
  public static ObjectInfo info(String bucket, S3Object o) {
    String algorithm =
        o.hasChecksumAlgorithm() && !o.checksumAlgorithmAsStrings().isEmpty()
            ? o.checksumAlgorithmAsStrings().get(0)
            : null;
    return new ObjectInfo(
        bucket, o.key(), o.size(), o.eTag(), o.lastModified(), algorithm, o.checksumTypeAsString());
  }

  @Override
  public boolean hasNext() {
    try {
      while (!page.hasNext() && !last) {
        List<S3Object> next = pages.next();
        last = next == null;
        page = last ? page : next.iterator();
      }
      return page.hasNext();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetrieverException(
          Reason.CANCELLED, "interrupted while listing s3://" + bucket + "/" + prefix, e);
    } catch (RuntimeException e) {
      throw s3.describe(e, bucket, prefix);
    }
  }

  @Override
  public ObjectInfo next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return info(bucket, page.next());
  }
}
