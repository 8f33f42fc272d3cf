package io.retriever.internal.pipeline;

import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.HookException;
import io.retriever.IncompleteDownloadException;
import io.retriever.ObjectInfo;
import io.retriever.ProgressSnapshot;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.DownloadFailed;
import io.retriever.event.DownloadStarted;
import io.retriever.event.ObjectCompleted;
import io.retriever.event.ObjectFailed;
import io.retriever.hook.DownloadedObject;
import io.retriever.hook.PostDownloadHook;
import io.retriever.internal.Settings;
import io.retriever.internal.s3.S3Access;
import io.retriever.internal.verify.Verifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
 * workers, post-download hooks (if any) on their own few threads, the progress reporter on one
 * more. They meet only in the two queues, the budget, the
 * sink and the atomic counters below. The first failure wins `failure`; it closes the budget,
 * interrupts every stage thread and aborts every response in flight, so no thread stays blocked.
 * The last stage thread to exit ends the download (for an ordered sink, together with the
 * consumer reaching the end), cleans up after a failure, tells the listeners and opens `finished`.
 *
 * Objects fail alone when a hook throws for them (unless the policy or an ordered sink says the
 * download fails): the object's sink is marked, its remaining chunks are released unfetched, and the
 * thread that accounts for its last chunk discards it and reports it. The download then ends with
 * an IncompleteDownloadException listing them.
 *
 * Memory: the chunker acquires each chunk's bytes from the budget before it queues the chunk;
 * the sink releases them when the bytes are written (files, memory) or read (ordered consumers).
 */
/** Runs one download through lister, chunker, downloader and sink. */
public final class Pipeline {
  /** Marks the end of the listing in {@link #listed}. */
  static final PlannedObject END_OF_LISTING =
      new PlannedObject(new ObjectInfo("", "", 0, null, null), null, null);

  /** Tells a worker to stop, in {@link #tasks}. */
  static final ChunkJob STOP = new ChunkJob(null, null, -1);

  /** Connections a tuned download starts with, before it has measured one. */
  static final int INITIAL_TUNED_CONCURRENCY = 8;

  final Settings settings;
  final S3Access s3;
  final DownloadRequest request;
  final Sink sink;
  final ByteBudget budget;
  final Hooks hooks;

  /** Objects found by the lister, waiting for the chunker. Bounded: listing runs ahead a little. */
  final BlockingQueue<PlannedObject> listed = new ArrayBlockingQueue<>(4096);

  /** Completed objects waiting for their post-download hooks; null without hooks. */
  private final BlockingQueue<ObjectSink> postQueue;

  /** Downloader workers still running; post-download threads stop when it is 0 and idle. */
  private final AtomicInteger workersRunning = new AtomicInteger();

  /** Chunks admitted by the chunker, waiting for a worker; bounded by the budget. */
  final BlockingQueue<ChunkJob> tasks = new LinkedBlockingQueue<>();

  /** How many workers may fetch at once: all of them, unless a throughput target tunes it. */
  final ConcurrencyLimit limit;

  /** GETs that failed with 503 SlowDown after the SDK's own retries. */
  final AtomicLong slowDowns = new AtomicLong();

  /** Arrays for chunks buffered whole, for chunk interceptors. */
  final BufferPool buffers;

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
  final AtomicLong bytesFetched = new AtomicLong();
  final AtomicLong bytesResumed = new AtomicLong();
  final AtomicLong objectsSkipped = new AtomicLong();

  /** An object to fetch (again), and which fetch of it this is, from 1. */
  record Refetch(PlannedObject planned, int attempt, long[] previousCrcs) {}

  /** Objects whose check failed, to be fetched again by the chunker before anything else. */
  final BlockingQueue<Refetch> again = new LinkedBlockingQueue<>();

  /** Objects the chunker opened that have not finished (well or not); refetches stay counted. */
  final AtomicInteger unfinishedObjects = new AtomicInteger();

  /** Objects delivered without a check: the store offered none that applies. */
  final AtomicLong objectsUnverified = new AtomicLong();

  /** The first {@link #UNVERIFIED_NAMED} of those, by address. */
  private final List<String> unverified = Collections.synchronizedList(new ArrayList<>());

  /** How many unverified objects the summary names. */
  private static final int UNVERIFIED_NAMED = 100;

  /** Objects that failed alone, in the order they failed. */
  private final List<ObjectFailed> failures = Collections.synchronizedList(new ArrayList<>());

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

  /** With a fixed concurrency: lets the {@link SlowDownGovernor} move the limit on 503s. */
  private void backOffOnSlowDown() {
    SlowDownGovernor governor =
        new SlowDownGovernor(settings.concurrency(), slowDownCount(), System.nanoTime());
    try {
      while (finished.getCount() > 0) {
        TimeUnit.MILLISECONDS.sleep(250);
        limit.set(governor.decide(limit.get(), slowDownCount(), System.nanoTime()));
      }
    } catch (InterruptedException e) {
      // The download ended.
    }
  }

  /** Calls listeners' {@code progress} every interval; null without listeners. */
  private Thread progressThread;

  /** Tunes the concurrency toward the throughput target, or backs off on 503 without one. */
  private Thread tunerThread;

  /** Checks whole objects, asking S3 on a small pool of its own. */
  final Verifier verifier;

  private Pipeline(
      Settings settings, S3Access s3, DownloadRequest request, Sink sink, ByteBudget budget) {
    this.settings = settings;
    this.s3 = s3;
    this.request = request;
    this.sink = sink;
    this.budget = budget;
    this.hooks = new Hooks(settings.listeners(), postHooks(settings), settings.hookFailure());
    this.postQueue =
        hooks.postHooks().isEmpty()
            ? null
            : new ArrayBlockingQueue<>(2 * settings.postDownloadThreads());
    this.verifier = new Verifier(settings, s3, requests);
    this.buffers = new BufferPool(settings.chunkSize(), budget.capacity());
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

  private static List<PostDownloadHook> postHooks(Settings settings) {
    List<PostDownloadHook> all = new ArrayList<>(settings.postDownloadHooks());
    if (settings.cache() != null) {
      all.add(settings.cache());
    }
    return List.copyOf(all);
  }

  private void launch() {
    try {
      hooks.tell(
          "downloadStarted",
          null,
          l -> l.downloadStarted(new DownloadStarted(request, Instant.now())));
    } catch (HookException e) {
      failure.set(e);
      summary = null;
      hooks.tellFailure(
          "downloadFailed", e, l -> l.downloadFailed(new DownloadFailed(e, progress())));
      ended = true;
      finished.countDown();
      return;
    }
    threads.add(stageThread(StageName.thread(StageName.LISTER, -1), new Lister(this)::run));
    threads.add(stageThread(StageName.thread(StageName.CHUNKER, -1), new Chunker(this)::run));
    for (int i = 0; i < settings.concurrency(); i++) {
      Downloader worker = new Downloader(this);
      threads.add(stageThread(StageName.thread(StageName.DOWNLOADER, i), worker::run));
    }
    workersRunning.set(settings.concurrency());
    if (postQueue != null) {
      for (int i = 0; i < settings.postDownloadThreads(); i++) {
        threads.add(stageThread(StageName.thread(StageName.POST, i), this::runPostHooks));
      }
    }
    live.set(threads.size());
    if (hooks.hasListeners()) {
      progressThread = new Thread(this::reportProgress, StageName.thread(StageName.PROGRESS, -1));
      progressThread.setDaemon(true);
      progressThread.start();
    }
    if (settings.targetBytesPerSecond() > 0) {
      Tuner tuner = new Tuner(this, limit, settings.targetBytesPerSecond());
      tunerThread = new Thread(tuner::run, StageName.thread("tuner", -1));
    } else {
      tunerThread = new Thread(this::backOffOnSlowDown, StageName.thread("governor", -1));
    }
    tunerThread.setDaemon(true);
    tunerThread.start();
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
              S3Access.countRequestsIn(requests);
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

  /**
   * Returns a count that grows with every GET that got 503 SlowDown after the SDK's own retries:
   * those the SDK retried and then succeeded are its to space out (see {@link SlowDownGovernor}).
   */
  long slowDownCount() {
    return slowDowns.get();
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

  /**
   * Fails one object: marks its sink (the thread that accounts for its last chunk reports it) or,
   * before it has one, reports it at once. When the policy or an ordered sink says a failed object
   * fails the download, fails the download and throws.
   *
   * @param sink the object's sink, or null if it has none yet
   */
  void objectFailed(ObjectInfo object, ObjectSink sink, RetrieverException error) {
    if (hooks.failsDownload() || this.sink.ordered()) {
      fail(error);
      throw error;
    }
    if (sink == null) {
      reportFailure(object, error);
    } else {
      sink.markFailed(error);
    }
  }

  /**
   * Fails an object the sink refused (its key cannot be a file here, or its file exists): alone,
   * whatever the hook policy, unless the sink is ordered.
   */
  void objectRefused(ObjectInfo object, RetrieverException error) {
    if (sink.ordered()) {
      fail(error);
      throw error;
    }
    reportFailure(object, error);
  }

  /**
   * Fails one object for a reason of its own (it changed, vanished, or its fetches kept failing):
   * alone, whatever the hook policy, unless the sink is ordered. The thread that accounts for its
   * last chunk discards and reports it.
   */
  void objectLost(ObjectInfo object, ObjectSink sink, RetrieverException error) {
    if (this.sink.ordered()) {
      fail(error);
      throw error;
    }
    sink.markFailed(error);
  }

  private void reportFailure(ObjectInfo object, RetrieverException error) {
    ObjectFailed event = new ObjectFailed(object, error);
    failures.add(event);
    hooks.tellFailure("objectFailed", error, l -> l.objectFailed(event));
  }

  /**
   * Called by the thread that accounted for an object's last chunk (or the chunker, for an object
   * with none to fetch): discards a failed object; checks a fetched one as a whole, fetching it
   * again when its bytes prove wrong; completes it and hands it to the post-download hooks.
   */
  void objectFinished(ObjectSink object) throws Exception {
    boolean refetched = false;
    try {
      RetrieverException error = object.failure();
      if (error != null) {
        object.discard();
        reportFailure(object.object(), error);
        return;
      }
      Verifier.Verdict verdict = verifier.check(object);
      if (verdict.mismatch() != null) {
        object.markFailed(Verifier.corrupt(object, verdict.mismatch()));
        object.discard();
        refetched = refetch(object);
        if (!refetched) {
          objectRefused(object.object(), object.failure());
        }
        return;
      }
      try {
        object.complete();
      } catch (HookException e) {
        object.markFailed(e);
        object.discard();
        objectFailed(object.object(), null, e);
        return;
      }
      if (!verdict.verified() && object.localSource() == null) {
        objectsUnverified.incrementAndGet();
        if (unverified.size() < UNVERIFIED_NAMED) {
          unverified.add(object.object().uri());
        }
      }
      if (postQueue != null) {
        postQueue.put(object);
      } else {
        delivered(object);
      }
    } finally {
      if (!refetched && object.planned() != null) {
        unfinishedObjects.decrementAndGet();
      }
    }
  }

  /**
   * Hands an object whose bytes proved wrong back to the chunker, to be fetched again from the
   * start, unless it has had all its attempts, the sink is ordered (its bytes are handed over
   * already) or the download's retries are spent. Returns whether it was handed back.
   */
  private boolean refetch(ObjectSink object) {
    if (object.planned() == null
        || sink.ordered()
        || object.attempt() >= settings.maxAttempts()
        || retries.incrementAndGet() > settings.maxRetriesPerDownload()) {
      return false;
    }
    bytesDone.addAndGet(-(object.object().size() - object.resumedBytes()));
    again.add(new Refetch(object.planned(), object.attempt() + 1, object.check().crcs()));
    return true;
  }

  /** Runs the post-download hooks of an object, then reports it completed. */
  private void delivered(ObjectSink object) throws InterruptedException {
    String uri = object.object().uri();
    try {
      if (!hooks.postHooks().isEmpty()) {
        DownloadedObject result = object.result();
        for (PostDownloadHook hook : hooks.postHooks()) {
          Hooks.call(
              hook,
              "afterDownload",
              uri,
              () -> {
                hook.afterDownload(result);
                return Boolean.TRUE;
              });
        }
      }
      ObjectCompleted event =
          new ObjectCompleted(
              object.object(),
              object.target(),
              object.localSource() != null ? 0 : object.object().size() - object.resumedBytes(),
              Duration.ofNanos(System.nanoTime() - object.startNanos()));
      hooks.tell("objectCompleted", uri, l -> l.objectCompleted(event));
    } catch (HookException e) {
      objectFailed(object.object(), null, e);
      object.revoke();
      return;
    }
    objectsDone.incrementAndGet();
  }

  /** A post-download thread: runs hooks for completed objects until the workers are done. */
  private void runPostHooks() throws InterruptedException {
    while (true) {
      ObjectSink object = postQueue.poll(50, TimeUnit.MILLISECONDS);
      if (object != null) {
        delivered(object);
      } else if (workersRunning.get() == 0 && postQueue.isEmpty()) {
        return;
      }
    }
  }

  /** Called by each downloader worker as it stops. */
  void workerExited() {
    workersRunning.decrementAndGet();
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
    if (error == null) {
      long end = sink.ordered() ? consumerDoneNanos : System.nanoTime();
      DownloadSummary done =
          new DownloadSummary(
              objectsDone.get(),
              bytesDone.get(),
              Duration.ofNanos(end - startNanos),
              requests.get(),
              retries.get(),
              budget.peak(),
              bytesFetched.get(),
              objectsSkipped.get(),
              bytesResumed.get(),
              objectsUnverified.get(),
              List.copyOf(unverified));
      try {
        ProgressSnapshot last = progress();
        hooks.tell("progress", null, l -> l.progress(last));
        if (failures.isEmpty()) {
          hooks.tell("downloadCompleted", null, l -> l.downloadCompleted(done));
          summary = done;
        } else {
          error = new IncompleteDownloadException(done, List.copyOf(failures));
        }
      } catch (HookException e) {
        error = e;
      }
      if (error != null) {
        failure.compareAndSet(null, error);
      }
    } else {
      sink.cleanUp();
    }
    if (error != null) {
      RetrieverException reported = error;
      ProgressSnapshot last = progress();
      hooks.tellFailure(
          "downloadFailed", reported, l -> l.downloadFailed(new DownloadFailed(reported, last)));
    }
    finished.countDown();
  }

  private void reportProgress() {
    long interval = settings.progressInterval().toNanos();
    try {
      while (finished.getCount() > 0) {
        TimeUnit.NANOSECONDS.sleep(interval);
        ProgressSnapshot snapshot = progress();
        hooks.tell("progress", null, l -> l.progress(snapshot));
      }
    } catch (HookException e) {
      fail(e);
    } catch (InterruptedException e) {
      // Stopped by the end of the download, or a listener failed it.
    }
  }

  private void stopProgress() {
    verifier.stop();
    for (Thread helper : new Thread[] {progressThread, tunerThread}) {
      if (helper != null && helper != Thread.currentThread()) {
        helper.interrupt();
        // The thread ending the download was often interrupted by its failure: wait regardless.
        Waits.join(helper, TimeUnit.SECONDS.toMillis(5));
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
        queueDepths(),
        limit.get(),
        objectsSkipped.get(),
        failures.size(),
        bytesFetched.get());
  }

  private Map<String, Integer> queueDepths() {
    return postQueue == null
        ? Map.of(StageName.CHUNKER, listed.size(), StageName.DOWNLOADER, tasks.size())
        : Map.of(
            StageName.CHUNKER,
            listed.size(),
            StageName.DOWNLOADER,
            tasks.size(),
            StageName.POST,
            postQueue.size());
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
  private void joinThreads() {
    for (Thread thread : threads) {
      if (thread != Thread.currentThread()) {
        Waits.join(thread, TimeUnit.SECONDS.toMillis(30));
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
    // Often called by a thread that was interrupted (a cancelled task closing its download): wait
    // regardless, so that no thread of the download outlives close.
    Waits.await(finished, TimeUnit.SECONDS.toMillis(30));
    joinThreads();
  }
}
