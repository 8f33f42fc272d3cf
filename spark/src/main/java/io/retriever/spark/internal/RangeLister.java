package io.retriever.spark.internal;

import io.retriever.DownloadRequest;
import io.retriever.ObjectInfo;
import io.retriever.Retriever;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Lists the key ranges of one listing task as Spark pulls the objects, keeping those the download's
 * filter takes. Each range is the core's listing of its prefix after its first boundary, stopped
 * past its last, with the core's checks on every page (a page that would lose, repeat or loop over
 * keys ends the task with an error, which Spark retries). Keys ending in {@code /} with no bytes
 * are folder markers and are left out: they hold nothing to download.
 *
 * <p>Concurrency: one task's thread.
 */
final class RangeLister implements Iterator<ListedObject> {
  private final Retriever retriever;
  private final String bucket;
  private final DownloadRequest filter;
  private final Iterator<KeyRange> ranges;

  /** Objects read but not handed over yet. */
  private final Deque<ListedObject> ready = new ArrayDeque<>();

  /** The listing of the range being listed, or null between ranges. */
  private Iterator<ObjectInfo> listing;

  /** The range being listed, or null between ranges. */
  private KeyRange range;

  /** Lists {@code ranges} of {@code bucket}, keeping what {@code filter} accepts. */
  RangeLister(
      Retriever retriever, String bucket, DownloadRequest filter, Iterator<KeyRange> ranges) {
    this.retriever = retriever;
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
        if (!range.known().isEmpty()) {
          take(range.known());
          range = null;
          continue;
        }
        listing = retriever.list(bucket, range.prefix(), range.startAfter()).iterator();
      }
      readOne();
    }
    return true;
  }

  /** Takes the range's next key, or ends the range past its last one. */
  private void readOne() {
    if (!listing.hasNext()) {
      range = null;
      return;
    }
    ObjectInfo o = listing.next();
    if (range.endsBefore(o.key())) {
      range = null;
      return;
    }
    if (range.holds(o.key())) {
      take(List.of(ListedObject.of(o)));
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
