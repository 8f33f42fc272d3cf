package io.retriever.internal.pipeline;

import io.retriever.DownloadListener;
import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.HookFailure;
import io.retriever.ProgressSnapshot;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.DownloadStarted;
import io.retriever.event.StoreReachable;
import io.retriever.event.StoreUnreachable;
import io.retriever.internal.Settings;
import io.retriever.internal.flow.Budget;
import io.retriever.internal.s3.Outage;
import io.retriever.internal.verify.Verifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One download: wiring and lifecycle. Data flows one way, through queues: lister -> chunker ->
 * the Retriever's downloader workers -> sink -> finisher, and back from the finisher to the chunker
 * only for an object to fetch again. The download owns its lister, chunker and finisher threads
 * (and a progress thread, with listeners); the workers, the budget and the cap are the Engine's.
 *
 * The download ends when its own threads have stopped and no worker holds a chunk of it (for an
 * ordered sink, also when the consumer has read the end). At its first failure, Failures runs the
 * reactions registered here: the budget account closes (waking the chunker), the sink wakes its
 * consumer, this download's threads are interrupted, its responses in flight are aborted and its
 * queued chunks are withdrawn, so that nothing stays blocked and no worker of another download is
 * disturbed. The last one out cleans up after a failure, tells the listeners and opens `ended`.
 */
/** Runs one download through lister, chunker, downloader, sink and finisher. */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final Engine engine;
  private final Settings settings;
  private final DownloadRequest request;
  private final Sink sink;
  private final Budget.Account account;
  private final Metrics metrics;
  private final Failures failures;
  private final Invoker invoker;
  private final Verifier verifier;
  private final Progress progress;
  private final Scope scope;
  private final BlockingQueue<PlannedObject> listed = new ArrayBlockingQueue<>(4096);
  private final BlockingQueue<ObjectSink> finished;
  private final Crew crew;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile long consumerDoneNanos;
  private volatile DownloadSummary summary;

  /** Tells listeners the progress every interval; null without listeners. */
  private Thread reporter;

  /** Guarded by {@code this}. */
  private boolean over;

  private Pipeline(Engine engine, DownloadRequest request, Sink sink) {
    this.engine = engine;
    this.settings = engine.settings;
    this.request = request;
    this.sink = sink;
    this.metrics = new Metrics(engine.totals);
    List<DownloadListener> all = new ArrayList<>(settings.listeners());
    if (sink.listener() != null) {
      all.add(sink.listener());
    }
    List<DownloadListener> listeners = List.copyOf(all);
    this.failures =
        new Failures(
            settings.hookFailure() == HookFailure.FAIL_DOWNLOAD, sink.ordered(), listeners);
    this.invoker = new Invoker(listeners, failures);
    this.verifier = new Verifier(settings, engine.s3, metrics.requests, engine.threads);
    this.account = engine.budget.open();
    this.finished = new ArrayBlockingQueue<>(Math.max(64, 4 * settings.postDownloadThreads()));
    this.scope =
        new Scope(
            metrics,
            failures,
            invoker,
            verifier,
            ConcurrentHashMap.newKeySet(),
            new Outage(settings.maxOutage(), new StoreWatcher(), engine.clock::nanoTime),
            finished,
            new AtomicLong(),
            this::maybeEnd);
    this.progress =
        new Progress(metrics, failures, account, engine.limit, listed, finished, engine.clock);
    this.crew = new Crew(engine.threads, metrics, failures, this::maybeEnd);
  }

  /** Tells the listeners when the store stops answering and when it answers again. */
  private final class StoreWatcher implements Outage.Watcher {
    @Override
    public void unreachable(Throwable cause, Duration limit) {
      LOG.info(
          "the store stopped answering ({}); retrying for up to {} s without progress",
          cause.toString(),
          limit.toSeconds());
      Instant since = engine.clock.now();
      tellStore(
          "storeUnreachable", l -> l.storeUnreachable(new StoreUnreachable(since, cause, limit)));
    }

    @Override
    public void reachable(Duration downtime) {
      LOG.info("the store answers again after {} ms", downtime.toMillis());
      tellStore("storeReachable", l -> l.storeReachable(new StoreReachable(downtime)));
    }

    private void tellStore(String point, Consumer<DownloadListener> event) {
      try {
        invoker.tell(point, null, event);
      } catch (RetrieverException e) {
        failures.fail(e);
      }
    }
  }

  /** Starts a download into {@code sink} on the Retriever's {@code engine}. */
  public static Pipeline start(Engine engine, DownloadRequest request, Sink sink) {
    Pipeline pipeline = new Pipeline(engine, request, sink);
    pipeline.launch();
    return pipeline;
  }

  private void launch() {
    failures.onFailure(this::stopEverything);
    try {
      engine.register(failures);
      invoker.tell(
          "downloadStarted",
          null,
          l -> l.downloadStarted(new DownloadStarted(request, engine.clock.now())));
    } catch (RetrieverException e) {
      failures.fail(e);
      end();
      return;
    }
    AtomicInteger unfinished = new AtomicInteger();
    BlockingQueue<Refetch> again = new LinkedBlockingQueue<>();
    Lister lister =
        new Lister(
            request,
            Lister.chosen(settings, engine.s3, metrics, engine.threads, scope.outage()),
            sink,
            Lister.interceptors(settings, sink),
            listed,
            scope);
    Chunker chunker =
        new Chunker(
            listed,
            again,
            engine.work,
            sink,
            account,
            scope,
            unfinished,
            settings.chunkSize(),
            settings.chunkPlanner(),
            engine.clock);
    Finisher finisher =
        new Finisher(
            finished,
            again,
            unfinished,
            scope,
            Finisher.postHooks(settings),
            settings.maxAttempts(),
            settings.maxRetriesPerDownload(),
            engine.clock);
    int finishers = settings.postDownloadThreads();
    crew.stage(StageName.thread(StageName.LISTER, -1), lister::run);
    crew.stage(
        StageName.thread(StageName.CHUNKER, -1),
        () -> {
          try {
            chunker.run();
          } finally {
            // After a failure the finishers are interrupted instead, and may be gone.
            for (int i = 0; i < finishers && !failures.failed(); i++) {
              finished.put(Finisher.STOP);
            }
          }
        });
    for (int i = 0; i < finishers; i++) {
      crew.stage(StageName.thread(StageName.FINISHER, i), finisher::run);
    }
    if (invoker.hasListeners()) {
      reporter =
          crew.helper(
              StageName.thread(StageName.PROGRESS, -1),
              () -> progress.report(invoker, settings.progressInterval()));
    }
    crew.start();
  }

  /** Stops every part of this download at its first failure; see the class comment. */
  private void stopEverything(RetrieverException error) {
    account.close(error);
    sink.failed(error);
    crew.interrupt();
    scope.inFlight().forEach(response -> response.abort());
    for (Work withdrawn : engine.withdraw(failures)) {
      withdrawn.lease().release();
      scope.workDone();
    }
  }

  /** Cancels the download. */
  public void cancel() {
    failures.cancel();
  }

  /** Called by an ordered consumer that has read the last byte. */
  public void consumerDone() {
    consumerDoneNanos = engine.clock.nanoTime();
    maybeEnd();
  }

  private void maybeEnd() {
    if (crew.running() || scope.outstanding().get() > 0) {
      return;
    }
    if (!failures.failed() && sink.ordered() && consumerDoneNanos == 0) {
      return;
    }
    end();
  }

  /** Ends the download once: summary or clean-up, the last events, and the latch. */
  private void end() {
    synchronized (this) {
      if (over) {
        return;
      }
      over = true;
    }
    if (reporter != null && reporter != Thread.currentThread()) {
      // No snapshot may reach the listeners after the last events below.
      reporter.interrupt();
      Waits.join(reporter, TimeUnit.SECONDS.toMillis(5));
    }
    verifier.stop();
    engine.unregister(failures);
    if (!failures.failed()) {
      long end = sink.ordered() ? consumerDoneNanos : engine.clock.nanoTime();
      summary =
          progress.tellCompleted(
              invoker,
              metrics.summary(Duration.ofNanos(end - progress.startNanos()), account.peak()));
    } else {
      sink.cleanUp();
    }
    account.close(failures.failure());
    progress.tellFailed(invoker);
    ended.countDown();
  }

  /** Returns where the download stands. */
  public ProgressSnapshot progress() {
    return progress.snapshot();
  }

  /**
   * Waits for the end and returns the summary, or throws the failure. When it returns, every thread
   * of the download has stopped.
   */
  public DownloadSummary await() {
    try {
      ended.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      throw new RetrieverException(Reason.CANCELLED, "interrupted while waiting for " + request, e);
    }
    crew.join();
    RetrieverException error = failures.failure();
    if (error != null) {
      throw error;
    }
    return summary;
  }

  /** Returns whether the download has ended. */
  public boolean isDone() {
    return ended.getCount() == 0;
  }

  /** Cancels the download if it runs and waits for its threads to stop. */
  public void close() {
    if (!isDone()) {
      cancel();
    }
    // Often called by a thread that was interrupted (a cancelled task closing its download): wait
    // regardless, so that no thread of the download outlives close.
    Waits.await(ended, TimeUnit.SECONDS.toMillis(30));
    crew.join();
  }
}
