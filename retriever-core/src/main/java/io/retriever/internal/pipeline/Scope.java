package io.retriever.internal.pipeline;

import io.retriever.internal.s3.Outage;
import io.retriever.internal.verify.Verifier;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.ResponseInputStream;

/**
 * What a download's chunks carry to the downloader workers the Retriever's downloads share: the
 * download's counters, failure policy, hook invoker and verifier, its responses in flight (aborted
 * when it fails) and the finisher's input. The workers know a download only through this.
 *
 * @param outage what the download knows of its store's reachability
 * @param finished objects whose last chunk is in, for the finisher
 * @param outstanding chunks admitted that no worker is done with yet
 * @param whenIdle called each time {@code outstanding} falls to 0
 */
record Scope(
    Metrics metrics,
    Failures failures,
    Invoker invoker,
    Verifier verifier,
    Set<ResponseInputStream<?>> inFlight,
    Outage outage,
    BlockingQueue<ObjectSink> finished,
    AtomicLong outstanding,
    Runnable whenIdle) {

  /** How long a worker waits at a full finisher queue before it looks at the download again. */
  private static final long HAND_OFF_POLL_MILLIS = 50;

  /** Counts a chunk admitted, before it is queued for the workers. */
  void admitted() {
    outstanding.incrementAndGet();
  }

  /** Counts a chunk a worker is done with, well or not. */
  void workDone() {
    if (outstanding.decrementAndGet() == 0) {
      whenIdle.run();
    }
  }

  /**
   * Hands an object whose last chunk is in to the finisher, waiting while its queue is full; gives
   * up when the download has failed (its clean-up then removes what the object left).
   */
  void finished(ObjectSink object) throws InterruptedException {
    if (failures.failed()) {
      return;
    }
    while (!finished.offer(object, HAND_OFF_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
      if (failures.failed()) {
        return;
      }
    }
  }
}
