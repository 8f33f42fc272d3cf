package io.retriever.internal.pipeline;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.internal.Settings;
import io.retriever.internal.flow.Budget;
import io.retriever.internal.flow.Clock;
import io.retriever.internal.flow.ConcurrencyLimit;
import io.retriever.internal.flow.Controller;
import io.retriever.internal.flow.Throttle;
import io.retriever.internal.s3.S3Access;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/*
 * One Retriever's shared resources. Every download of the Retriever takes its chunks' bytes from
 * one budget (fairly: each download is an account of it), and its chunks are fetched by one pool
 * of downloader workers, through one connection pool (the S3 access), under one bandwidth cap and
 * one concurrency limit that one controller moves. So a Retriever bounds its buffered bytes and
 * its connections however many downloads run on it at once.
 *
 * Concurrency: downloads start and end on any thread; the workers and the controller start with
 * the first download and stop when the Retriever closes.
 */
/** The budget, workers, cap and controller one Retriever's downloads share. */
public final class Engine implements AutoCloseable {
  /** Connections a tuned Retriever starts with, before it has measured one. */
  static final int INITIAL_TUNED_CONCURRENCY = 8;

  /** What every download adds to, for the controller to watch. */
  record Totals(
      AtomicLong bytesDone,
      AtomicLong slowDowns,
      AtomicLong firstBytes,
      AtomicLong firstByteNanos) {}

  final Settings settings;
  final S3Access s3;
  final Clock clock;
  final Threads threads;
  final Budget budget;
  final BufferPool buffers;

  /** The bandwidth cap, or null for none. */
  final Throttle throttle;

  final ConcurrencyLimit limit;
  final Totals totals =
      new Totals(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong());

  /** Admitted chunks of every download, in admission order, waiting for a worker. */
  final BlockingQueue<Work> work = new LinkedBlockingQueue<>();

  private final List<Thread> running = new ArrayList<>();

  /** The downloads running, to fail when the Retriever closes. Guarded by {@code this}. */
  private final Set<Failures> downloads = new HashSet<>();

  /** Guarded by {@code this}. */
  private boolean started;

  /** Guarded by {@code this}. */
  private boolean closed;

  public Engine(Settings settings, S3Access s3) {
    this(settings, s3, Clock.system(), Threads.daemons());
  }

  public Engine(Settings settings, S3Access s3, Clock clock, Threads threads) {
    this.settings = settings;
    this.s3 = s3;
    this.clock = clock;
    this.threads = threads;
    this.budget = new Budget(settings.maxInFlightBytes());
    this.buffers = new BufferPool(settings.chunkSize(), settings.maxInFlightBytes());
    this.throttle =
        settings.maxBytesPerSecond() > 0 ? new Throttle(settings.maxBytesPerSecond(), clock) : null;
    this.limit =
        new ConcurrencyLimit(
            settings.targetBytesPerSecond() > 0
                ? INITIAL_TUNED_CONCURRENCY
                : settings.concurrency(),
            settings.concurrency());
  }

  /**
   * Counts a download in, starting the workers and the controller with the first one.
   *
   * @throws RetrieverException if the Retriever is closed
   */
  synchronized void register(Failures download) {
    if (closed) {
      throw new RetrieverException(Reason.INVALID, "this Retriever is closed; build a new one");
    }
    downloads.add(download);
    if (started) {
      return;
    }
    started = true;
    Downloader downloader = new Downloader(settings, s3, work, limit, buffers, throttle, clock);
    for (int i = 0; i < settings.concurrency(); i++) {
      running.add(
          threads.newThread(StageName.thread(StageName.DOWNLOADER, i), downloader::runWorker));
    }
    running.add(threads.newThread(StageName.thread(StageName.CONTROLLER, -1), this::control));
    running.forEach(Thread::start);
  }

  /** Returns the pool of chunk-sized arrays, bounded by the budget, that sinks may reuse. */
  public BufferPool buffers() {
    return buffers;
  }

  /** Returns the bytes every download of the Retriever holds now. */
  public long bufferedBytes() {
    return budget.inUse();
  }

  /** Returns the most bytes the Retriever's downloads held at once so far. */
  public long peakBufferedBytes() {
    return budget.peak();
  }

  /** Counts a download out. */
  synchronized void unregister(Failures download) {
    downloads.remove(download);
  }

  /** Takes a failed download's chunks that no worker has started out of the queue. */
  List<Work> withdraw(Failures download) {
    List<Work> taken = new ArrayList<>();
    // The queue tests each element outside its lock and unlinks it after: a worker may take one in
    // between. The claim decides who has it, so that its lease is released once.
    work.removeIf(w -> w.scope().failures() == download && w.claim() && taken.add(w));
    return taken;
  }

  /** Moves the concurrency limit, at the controller's pace, until the Retriever closes. */
  private void control() {
    Controller controller =
        settings.targetBytesPerSecond() > 0
            ? Controller.targeting(
                settings.targetBytesPerSecond(),
                limit.get(),
                settings.concurrency(),
                totals.bytesDone().get(),
                totals.slowDowns().get(),
                clock.nanoTime())
            : Controller.fixed(settings.concurrency(), totals.slowDowns().get(), clock.nanoTime());
    try {
      while (true) {
        clock.sleep(controller.intervalNanos());
        limit.set(
            controller.decide(
                limit.get(),
                totals.bytesDone().get(),
                totals.slowDowns().get(),
                totals.firstBytes().get(),
                totals.firstByteNanos().get(),
                clock.nanoTime()));
      }
    } catch (InterruptedException e) {
      // The Retriever closed.
    }
  }

  /** Stops the workers and the controller; downloads still running fail. */
  @Override
  public void close() {
    List<Thread> stopping;
    List<Failures> failing;
    synchronized (this) {
      closed = true;
      stopping = List.copyOf(running);
      failing = List.copyOf(downloads);
    }
    RetrieverException closing =
        new RetrieverException(Reason.CANCELLED, "the Retriever was closed during the download");
    failing.forEach(download -> download.fail(closing));
    stopping.forEach(Thread::interrupt);
    for (Thread thread : stopping) {
      if (thread != Thread.currentThread()) {
        Waits.join(thread, TimeUnit.SECONDS.toMillis(10));
      }
    }
  }
}
