package io.retriever.internal.pipeline;

import io.retriever.HookException;
import io.retriever.ProgressSnapshot;
import io.retriever.internal.flow.Budget;
import io.retriever.internal.flow.Clock;
import io.retriever.internal.flow.ConcurrencyLimit;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

/**
 * Where one download stands: snapshots from its counters, its budget account and the depth of its
 * stages' queues; and, with listeners, a snapshot for them every interval.
 *
 * <p>Concurrency: {@link #snapshot} on any thread; {@link #report} on the download's progress
 * thread.
 */
final class Progress {
  private final Metrics metrics;
  private final Failures failures;
  private final Budget.Account budget;
  private final ConcurrencyLimit limit;
  private final BlockingQueue<?> listed;
  private final BlockingQueue<?> finished;
  private final Clock clock;
  private final long startNanos;

  Progress(
      Metrics metrics,
      Failures failures,
      Budget.Account budget,
      ConcurrencyLimit limit,
      BlockingQueue<?> listed,
      BlockingQueue<?> finished,
      Clock clock) {
    this.metrics = metrics;
    this.failures = failures;
    this.budget = budget;
    this.limit = limit;
    this.listed = listed;
    this.finished = finished;
    this.clock = clock;
    this.startNanos = clock.nanoTime();
  }

  /** Returns when the download started, on its clock. */
  long startNanos() {
    return startNanos;
  }

  /** Returns where the download stands. */
  ProgressSnapshot snapshot() {
    return new ProgressSnapshot(
        metrics.objectsListed.get(),
        metrics.bytesListed.get(),
        metrics.listingComplete,
        metrics.objectsDone.get(),
        metrics.bytesDone.get(),
        budget.inUse(),
        Duration.ofNanos(clock.nanoTime() - startNanos),
        metrics.chunksAdmitted.get() - metrics.chunksFinished.get(),
        metrics.requests.get(),
        metrics.retries.get(),
        Map.of(
            StageName.CHUNKER,
            listed.size(),
            StageName.DOWNLOADER,
            (int)
                Math.min(
                    Integer.MAX_VALUE, metrics.chunksAdmitted.get() - metrics.chunksFinished.get()),
            StageName.FINISHER,
            finished.size()),
        limit.get(),
        metrics.objectsSkipped.get(),
        failures.objectCount(),
        metrics.bytesFetched.get());
  }

  /** Tells the listeners where the download stands every {@code interval} until interrupted. */
  void report(Invoker invoker, Duration interval) {
    try {
      while (true) {
        clock.sleep(interval.toNanos());
        ProgressSnapshot snapshot = snapshot();
        invoker.tell("progress", null, l -> l.progress(snapshot));
      }
    } catch (HookException e) {
      failures.fail(e);
    } catch (InterruptedException e) {
      // Stopped by the end of the download, or a listener failed it.
    }
  }
}
