package io.retriever.internal.pipeline;

import io.retriever.DownloadSummary;
import io.retriever.HookException;
import io.retriever.IncompleteDownloadException;
import io.retriever.ProgressSnapshot;
import io.retriever.RetrieverException;
import io.retriever.event.DownloadFailed;
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
        metrics.retries.get() + metrics.outageRetries.get(),
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

  /**
   * Tells the listeners that the download completed: the last snapshot, then {@code
   * downloadCompleted}; returns the summary. When objects failed alone (or a listener throws), it
   * records the download's failure instead and returns null.
   */
  DownloadSummary tellCompleted(Invoker invoker, DownloadSummary done) {
    try {
      ProgressSnapshot last = snapshot();
      invoker.tell("progress", null, l -> l.progress(last));
      if (failures.objectCount() > 0) {
        failures.failAtEnd(new IncompleteDownloadException(done, failures.objects()));
        return null;
      }
      invoker.tell("downloadCompleted", null, l -> l.downloadCompleted(done));
      return done;
    } catch (HookException e) {
      failures.failAtEnd(e);
      return null;
    }
  }

  /** Tells the listeners that the download failed, if it did. */
  void tellFailed(Invoker invoker) {
    RetrieverException error = failures.failure();
    if (error != null) {
      ProgressSnapshot last = snapshot();
      invoker.tellFailure(
          "downloadFailed", error, l -> l.downloadFailed(new DownloadFailed(error, last)));
    }
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
