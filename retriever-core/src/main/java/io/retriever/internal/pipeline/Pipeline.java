package io.retriever.internal.pipeline;

import io.retriever.DownloadListener;
import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.ObjectInfo;
import io.retriever.ProgressSnapshot;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.internal.Settings;
import io.retriever.internal.s3.S3Access;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.core.ResponseInputStream;

/*
 * One download: the stages' shared state and their lifecycle.
 *
 * Concurrency: the lister and chunker each run on one thread, the downloader on `concurrency`
 * workers, the progress reporter on one more. They meet only in the two queues, the budget, the
 * sink and the atomic counters below. The first failure wins `failure`; it closes the budget,
 * interrupts every stage thread and aborts every response in flight, so no thread stays blocked.
 * The last stage thread to exit ends the download (for an ordered sink, together with the
 * consumer reaching the end), cleans up after a failure, tells the listeners and opens `finished`.
 *
 * Memory: the chunker acquires each chunk's bytes from the budget before it queues the chunk;
 * the sink releases them when the bytes are written (files, memory) or read (ordered consumers).
 */
/** Runs one download through lister, chunker, downloader and sink. */
public final class Pipeline {
  /** Marks the end of the listing in {@link #listed}. */
  static final ObjectInfo END_OF_LISTING = new ObjectInfo("", "", 0, null, null);

  /** Tells a worker to stop, in {@link #tasks}. */
  static final ChunkJob STOP = new ChunkJob(null, null, -1);

  /** Connections a tuned download starts with, before it has measured one. */
  static final int INITIAL_TUNED_CONCURRENCY = 8;

  final Settings settings;
  final S3Access s3;
  final DownloadRequest request;
  final Sink sink;
  final ByteBudget budget;

  /** Objects found by the lister, waiting for the chunker. Bounded: listing runs ahead a little. */
  final BlockingQueue<ObjectInfo> listed = new ArrayBlockingQueue<>(4096);

  /** Chunks admitted by the chunker, waiting for a worker; bounded by the budget. */
  final BlockingQueue<ChunkJob> tasks = new LinkedBlockingQueue<>();

  /** How many workers may fetch at once: all of them, unless a throughput target tunes it. */
  final ConcurrencyLimit limit;

  /** GETs answered 503 SlowDown, which the tuner backs off on. */
  final AtomicLong slowDowns = new AtomicLong();

  /** The bandwidth cap shared by the workers, or null for none. */
  final Throttle throttle;

  /** Responses being read, aborted on failure so that no worker stays blocked in a read. */
  final Set<ResponseInputStream<?>> inFlight = ConcurrentHashMap.newKeySet();

  final AtomicLong objectsListed = new AtomicLong();
  final AtomicLong bytesListed = new AtomicLong();
  final AtomicLong objectsDone = new AtomicLong();
  final AtomicLong bytesDone = new AtomicLong();
  final AtomicLong requests = new AtomicLong();
  final AtomicLong retries = new AtomicLong();

  /** Chunks the chunker has admitted. */
  final AtomicLong chunksAdmitted = new AtomicLong();

  /** Chunks whose bytes are all in. */
  final AtomicLong chunksFinished = new AtomicLong();

  /** Whether the lister has found every object. */
  volatile boolean listingComplete;

  private final long startNanos = System.nanoTime();
  private final List<Thread> threads = new ArrayList<>();

  /** Stage threads still running. */
  private final AtomicInteger live = new AtomicInteger();

  private final AtomicReference<RetrieverException> failure = new AtomicReference<>();

  /** Opens when the download has ended, well or not, and everything is cleaned up. */
  private final CountDownLatch finished = new CountDownLatch(1);

  /** Set when an ordered consumer has read the last byte. */
  private volatile long consumerDoneNanos;

  private volatile DownloadSummary summary;

  /** Whether the download has been ended. Guarded by {@code this}. */
  private boolean ended;

  /** Calls listeners' {@code progress} every interval; null without listeners. */
  private Thread progressThread;

  /** Tunes the concurrency toward the throughput target; null without a target. */
  private Thread tunerThread;

  private Pipeline(
      Settings settings, S3Access s3, DownloadRequest request, Sink sink, ByteBudget budget) {
    this.settings = settings;
    this.s3 = s3;
    this.request = request;
    this.sink = sink;
    this.budget = budget;
    this.throttle =
        settings.maxBytesPerSecond() > 0 ? new Throttle(settings.maxBytesPerSecond()) : null;
    this.limit =
        new ConcurrencyLimit(
            settings.targetBytesPerSecond() > 0
                ? INITIAL_TUNED_CONCURRENCY
                : settings.concurrency(),
            settings.concurrency());
  }

  /** Starts a download into {@code sink}; its budget must be the one the sink releases to. */
  public static Pipeline start(
      Settings settings, S3Access s3, DownloadRequest request, Sink sink, ByteBudget budget) {
    Pipeline pipeline = new Pipeline(settings, s3, request, sink, budget);
    pipeline.launch();
    return pipeline;
  }

  private void launch() {
    threads.add(stageThread(StageName.thread(StageName.LISTER, -1), new Lister(this)::run));
    threads.add(stageThread(StageName.thread(StageName.CHUNKER, -1), new Chunker(this)::run));
    for (int i = 0; i < settings.concurrency(); i++) {
      Downloader worker = new Downloader(this);
      threads.add(stageThread(StageName.thread(StageName.DOWNLOADER, i), worker::run));
    }
    live.set(threads.size());
    if (!settings.listeners().isEmpty()) {
      progressThread = new Thread(this::reportProgress, StageName.thread(StageName.PROGRESS, -1));
      progressThread.setDaemon(true);
      progressThread.start();
    }
    if (settings.targetBytesPerSecond() > 0) {
      Tuner tuner = new Tuner(this, limit, settings.targetBytesPerSecond());
      tunerThread = new Thread(tuner::run, StageName.thread("tuner", -1));
      tunerThread.setDaemon(true);
      tunerThread.start();
    }
    threads.forEach(Thread::start);
  }

  /** A stage's body; it may block and be interrupted. */
  interface Stage {
    void run() throws Exception;
  }

  private Thread stageThread(String name, Stage stage) {
    Thread thread =
        new Thread(
            () -> {
              try {
                stage.run();
              } catch (InterruptedException e) {
                fail(cancelled());
              } catch (Throwable t) {
                fail(
                    t instanceof RetrieverException r
                        ? r
                        : new RetrieverException(Reason.SERVER, name + " failed: " + t, t));
              } finally {
                if (live.decrementAndGet() == 0) {
                  maybeEnd();
                }
              }
            },
            name);
    thread.setDaemon(true);
    return thread;
  }

  /** Records the first failure and stops every stage. Later failures are ignored. */
  public void fail(RetrieverException error) {
    if (!failure.compareAndSet(null, error)) {
      return;
    }
    budget.close(error);
    sink.failed(error);
    for (Thread thread : threads) {
      if (thread != Thread.currentThread()) {
        thread.interrupt();
      }
    }
    for (ResponseInputStream<?> response : inFlight) {
      response.abort();
    }
  }

  /** Returns whether the download has failed or been cancelled. */
  public boolean failed() {
    return failure.get() != null;
  }

  /** Returns the failure, or null. */
  public RetrieverException failure() {
    return failure.get();
  }

  /** Cancels the download. */
  public void cancel() {
    fail(cancelled());
  }

  private static RetrieverException cancelled() {
    return new RetrieverException(Reason.CANCELLED, "download cancelled");
  }

  /** Called by an ordered consumer that has read the last byte. */
  public void consumerDone() {
    consumerDoneNanos = System.nanoTime();
    maybeEnd();
  }

  /** Called by the thread that finished an object's last chunk (or the chunker, if empty). */
  void objectFinished(ObjectSink object) throws Exception {
    object.complete();
    objectsDone.incrementAndGet();
    for (DownloadListener listener : settings.listeners()) {
      invoke(listener, "objectCompleted", () -> listener.objectCompleted(object.object()));
    }
  }

  private synchronized void maybeEnd() {
    if (live.get() > 0 || ended) {
      return;
    }
    RetrieverException error = failure.get();
    if (error == null && sink.ordered() && consumerDoneNanos == 0) {
      return;
    }
    ended = true;
    stopProgress();
    if (error != null) {
      sink.cleanUp();
      for (DownloadListener listener : settings.listeners()) {
        try {
          listener.downloadFailed(error);
        } catch (RuntimeException ignored) {
          // The download has failed already; the first failure is the one to report.
        }
      }
    } else {
      long end = sink.ordered() ? consumerDoneNanos : System.nanoTime();
      summary =
          new DownloadSummary(
              objectsDone.get(),
              bytesDone.get(),
              Duration.ofNanos(end - startNanos),
              requests.get(),
              retries.get(),
              budget.peak());
      try {
        ProgressSnapshot last = progress();
        for (DownloadListener listener : settings.listeners()) {
          invoke(listener, "progress", () -> listener.progress(last));
          invoke(listener, "downloadCompleted", () -> listener.downloadCompleted(summary));
        }
      } catch (RetrieverException e) {
        summary = null;
        failure.compareAndSet(null, e);
      }
    }
    finished.countDown();
  }

  /** Calls user code and turns what it throws into a failure that names it. */
  void invoke(DownloadListener listener, String point, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      RetrieverException error =
          new RetrieverException(
              Reason.INVALID,
              "listener " + listener.getClass().getName() + " failed in " + point + ": " + e,
              e);
      fail(error);
      throw error;
    }
  }

  private void reportProgress() {
    long interval = settings.progressInterval().toNanos();
    try {
      while (finished.getCount() > 0) {
        TimeUnit.NANOSECONDS.sleep(interval);
        ProgressSnapshot snapshot = progress();
        for (DownloadListener listener : settings.listeners()) {
          invoke(listener, "progress", () -> listener.progress(snapshot));
        }
      }
    } catch (InterruptedException | RetrieverException e) {
      // Stopped by the end of the download, or a listener failed it.
    }
  }

  private void stopProgress() {
    for (Thread helper : new Thread[] {progressThread, tunerThread}) {
      if (helper != null && helper != Thread.currentThread()) {
        helper.interrupt();
        try {
          helper.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Returns where the download stands. */
  public ProgressSnapshot progress() {
    return new ProgressSnapshot(
        objectsListed.get(),
        bytesListed.get(),
        listingComplete,
        objectsDone.get(),
        bytesDone.get(),
        budget.inUse(),
        Duration.ofNanos(System.nanoTime() - startNanos),
        chunksAdmitted.get() - chunksFinished.get(),
        requests.get(),
        retries.get(),
        Map.of(StageName.CHUNKER, listed.size(), StageName.DOWNLOADER, tasks.size()),
        limit.get());
  }

  /**
   * Waits for the end and returns the summary, or throws the failure. When it returns, every thread
   * of the download has stopped.
   */
  public DownloadSummary await() {
    try {
      finished.await();
      joinThreads();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      throw new RetrieverException(Reason.CANCELLED, "interrupted while waiting for " + request, e);
    }
    RetrieverException error = failure.get();
    if (error != null) {
      throw error;
    }
    return summary;
  }

  /** Waits for the stage threads, which are past their last step once the download ended. */
  private void joinThreads() throws InterruptedException {
    for (Thread thread : threads) {
      if (thread != Thread.currentThread()) {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      }
    }
  }

  /** Returns whether the download has ended. */
  public boolean isDone() {
    return finished.getCount() == 0;
  }

  /** Cancels the download if it runs and waits for its threads to stop. */
  public void close() {
    if (!isDone()) {
      cancel();
    }
    try {
      finished.await(30, TimeUnit.SECONDS);
      joinThreads();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
