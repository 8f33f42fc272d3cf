package io.retriever.spark.internal;

import io.retriever.DownloadRequest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Lists the key ranges of one listing task, a page at a time as Spark pulls the objects, keeping
 * those the download's filter takes. Keys ending in {@code /} with no bytes are folder markers and
 * are left out: they hold nothing to download.
 *
 * <p>Concurrency: one task's thread.
 */
final class RangeLister implements Iterator<ListedObject> {
  private final S3Listing listing;
  private final String bucket;
  private final DownloadRequest filter;
  private final Iterator<KeyRange> ranges;

  /** Objects read but not handed over yet. */
  private final Deque<ListedObject> ready = new ArrayDeque<>();

  /** The range being listed, or null between ranges. */
  private KeyRange range;

  /** The next page's token in {@link #range}, or null for its first page. */
  private String token;

  /** Lists {@code ranges} of {@code bucket}, keeping what {@code filter} accepts. */
  RangeLister(S3Listing listing, String bucket, DownloadRequest filter, Iterator<KeyRange> ranges) {
    this.listing = listing;
    this.bucket = bucket;
    this.filter = filter;
    this.ranges = ranges;
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty()) {
      if (range == null) {
        if (!ranges.hasNext()) {
          return false;
        }
        range = ranges.next();
        token = null;
        if (!range.known().isEmpty()) {
          take(range.known());
          range = null;
          continue;
        }
      }
      readPage();
    }
    return true;
  }

  private void readPage() {
    ListObjectsV2Response page =
        listing.page(
            bucket, range.prefix(), token, null, token == null ? range.startAfter() : null);
    boolean past = false;
    for (S3Object o : page.contents()) {
      if (range.endsBefore(o.key())) {
        past = true;
        break;
      }
      if (range.holds(o.key())) {
        take(List.of(ListedObject.of(o)));
      }
    }
    token = page.nextContinuationToken();
    if (past || !Boolean.TRUE.equals(page.isTruncated()) || token == null) {
      range = null;
    }
  }

  private void take(List<ListedObject> objects) {
    for (ListedObject o : objects) {
      boolean marker = o.key().endsWith("/") && o.size() == 0;
      if (!marker && filter.accepts(o.key())) {
        ready.add(o);
      }
    }
  }

  @Override
  public ListedObject next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }
}
