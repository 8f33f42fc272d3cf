package io.retriever.internal.pipeline;

import io.retriever.DownloadSummary;
import io.retriever.internal.s3.S3Access;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters of one download, which every stage adds to and progress snapshots and the summary
 * read. Bytes and 503s are also added to the {@link Engine}'s totals, which its concurrency
 * controller watches across downloads.
 *
 * <p>Concurrency: every counter is atomic; any stage thread may add to any of them.
 */
public final class Metrics {
  /** How many unverified objects the summary names. */
  static final int UNVERIFIED_NAMED = 100;

  private final Engine.Totals totals;

  final AtomicLong objectsListed = new AtomicLong();
  final AtomicLong bytesListed = new AtomicLong();
  final AtomicLong objectsDone = new AtomicLong();
  final AtomicLong bytesDone = new AtomicLong();
  final AtomicLong requests = new AtomicLong();
  final AtomicLong retries = new AtomicLong();

  /** Requests sent again through an outage, which no retry budget counts. */
  final AtomicLong outageRetries = new AtomicLong();

  final AtomicLong bytesFetched = new AtomicLong();
  final AtomicLong bytesResumed = new AtomicLong();
  final AtomicLong objectsSkipped = new AtomicLong();
  final AtomicLong chunksAdmitted = new AtomicLong();
  final AtomicLong chunksFinished = new AtomicLong();
  final AtomicLong objectsUnverified = new AtomicLong();

  /** Whether the lister has found every object. */
  volatile boolean listingComplete;

  /** The first {@link #UNVERIFIED_NAMED} objects delivered without a check, by address. */
  private final List<String> unverified = Collections.synchronizedList(new ArrayList<>());

  /** Why each of those went unchecked, by address. Guarded by {@link #unverified}. */
  private final Map<String, String> unverifiedReasons = new LinkedHashMap<>();

  Metrics(Engine.Totals totals) {
    this.totals = totals;
  }

  /** Counts bytes that reached the sink, fetched or read from a local copy. */
  void bytesDone(long n) {
    bytesDone.addAndGet(n);
    totals.bytesDone().addAndGet(n);
  }

  /** Counts a response whose first byte (its headers) came {@code nanos} after it was asked. */
  void firstByte(long nanos) {
    totals.firstBytes().incrementAndGet();
    totals.firstByteNanos().addAndGet(nanos);
  }

  /** Counts a GET that got 503 SlowDown after the SDK's own retries. */
  void slowDown() {
    totals.slowDowns().incrementAndGet();
  }

  /** Counts an object delivered without a check the store offers, and says why. */
  void unverified(String uri, String reason) {
    objectsUnverified.incrementAndGet();
    synchronized (unverified) {
      if (unverified.size() < UNVERIFIED_NAMED) {
        unverified.add(uri);
        if (reason != null) {
          unverifiedReasons.put(uri, reason);
        }
      }
    }
  }

  /** Returns the summary of a download that took {@code elapsed} and buffered {@code peak}. */
  DownloadSummary summary(Duration elapsed, long peak) {
    return new DownloadSummary(
        objectsDone.get(),
        bytesDone.get(),
        elapsed,
        requests.get(),
        retries.get() + outageRetries.get(),
        peak,
        bytesFetched.get(),
        objectsSkipped.get(),
        bytesResumed.get(),
        objectsUnverified.get(),
        List.copyOf(unverified),
        unverifiedReasons());
  }

  private Map<String, String> unverifiedReasons() {
    synchronized (unverified) {
      return new LinkedHashMap<>(unverifiedReasons);
    }
  }

  /** Makes the SDK's own retries on this thread count as this download's requests. */
  void countRequestsOnThisThread() {
    S3Access.countRequestsIn(requests);
  }
}
