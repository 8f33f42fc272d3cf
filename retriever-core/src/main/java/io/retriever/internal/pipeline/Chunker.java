package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.ChunksPlanned;
import io.retriever.event.ObjectStarted;
import io.retriever.hook.ChunkLayout;
import io.retriever.hook.ChunkPlanner;
import io.retriever.internal.flow.Budget;
import io.retriever.internal.flow.Clock;
import io.retriever.internal.verify.PartLayout;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chunker stage: opens each planned object in the sink, cuts it into ranged chunks as the chunk
 * planner lays it out and admits them, in (object, chunk) order, only as the download's budget
 * account allows. An object no larger than a chunk is one GET; chunks already on disk from an
 * interrupted download are not admitted at all. Objects the finisher hands back (their bytes proved
 * wrong) are planned again before the next listed one.
 *
 * <p>Concurrency: runs on the download's chunker thread alone; it is its account's only acquirer.
 */
final class Chunker {
  /** How long the chunker waits for an object before it looks for one to fetch again. */
  private static final long IDLE_POLL_MILLIS = 20;

  /**
   * The longest the chunker waits for a multipart upload's part layout (one HEAD, bounded by the
   * client's own timeouts); past it, the object is cut uniformly and named unverified.
   */
  private static final long PARTS_WAIT_SECONDS = 120;

  /** Marks the end of the listing in the chunker's input. */
  static final PlannedObject END_OF_LISTING =
      new PlannedObject(new ObjectInfo("", "", 0, null, null), null, null);

  private final BlockingQueue<PlannedObject> listed;
  private final BlockingQueue<Refetch> again;
  private final BlockingQueue<Work> work;
  private final Sink sink;
  private final Budget.Account budget;
  private final Scope scope;
  private final AtomicInteger unfinished;
  private final int chunkSize;
  private final ChunkPlanner planner;
  private final Clock clock;

  /** Whether the lister has handed over its last object. */
  private boolean listingDone;

  /**
   * @param listed the lister's output
   * @param again objects the finisher hands back to fetch again
   * @param work the downloader workers' input
   * @param unfinished objects opened and not yet finished; the finisher counts them down
   * @param chunkSize the most bytes a chunk holds
   * @param planner how objects are cut into chunks
   */
  Chunker(
      BlockingQueue<PlannedObject> listed,
      BlockingQueue<Refetch> again,
      BlockingQueue<Work> work,
      Sink sink,
      Budget.Account budget,
      Scope scope,
      AtomicInteger unfinished,
      int chunkSize,
      ChunkPlanner planner,
      Clock clock) {
    this.listed = listed;
    this.again = again;
    this.work = work;
    this.sink = sink;
    this.budget = budget;
    this.scope = scope;
    this.unfinished = unfinished;
    this.chunkSize = chunkSize;
    this.planner = planner;
    this.clock = clock;
  }

  void run() throws InterruptedException {
    long sequence = 0;
    for (Refetch next = next(); next != null; next = next()) {
      sequence = plan(next, sequence);
    }
  }

  /** Opens and admits one object; returns the sequence number of the next chunk. */
  private long plan(Refetch refetch, long sequence) throws InterruptedException {
    PlannedObject planned = refetch.planned();
    ObjectInfo object = planned.object();
    List<PartLayout> parts = parts(planned);
    ChunkLayout layout =
        refetch.layout() != null
            ? refetch.layout()
            : layout(object, parts.isEmpty() ? null : parts.get(0));
    if (layout == null) {
      return sequence;
    }
    int count = layout.count();
    ObjectSink opened;
    try {
      opened = open(planned, layout, sequence);
    } catch (RefusedKey e) {
      scope.failures().objectLost(object, null, e);
      return sequence;
    }
    if (opened == null) {
      return sequence;
    }
    ObjectSink target = opened;
    if (refetch.attempt() == 1) {
      unfinished.incrementAndGet();
    }
    target.origin(planned, refetch.attempt(), clock.nanoTime());
    target.localSource(planned.localSource());
    target.check().parts(parts);
    int resumed = 0;
    for (int i = 0; i < count; i++) {
      resumed += target.resumed(i) ? 1 : 0;
    }
    scope.verifier().plan(target, refetch.previousCrcs());
    if (target.resumedBytes() > 0) {
      scope.metrics().bytesListed.addAndGet(-target.resumedBytes());
      scope.metrics().bytesResumed.addAndGet(target.resumedBytes());
    }
    int alreadyOnDisk = resumed;
    boolean told =
        scope
            .invoker()
            .guard(
                object,
                target,
                () -> {
                  scope
                      .invoker()
                      .tell(
                          "objectStarted",
                          object.uri(),
                          l ->
                              l.objectStarted(
                                  new ObjectStarted(
                                      object,
                                      target.target(),
                                      planned.localSource(),
                                      target.resumedBytes(),
                                      target.restarted())));
                  scope
                      .invoker()
                      .tell(
                          "chunksPlanned",
                          object.uri(),
                          l ->
                              l.chunksPlanned(
                                  new ChunksPlanned(object, count, chunkSize, alreadyOnDisk)));
                });
    if (!told || count == resumed) {
      scope.finished(target);
      return sequence;
    }
    for (int i = 0; i < count; i++) {
      if (target.resumed(i)) {
        continue;
      }
      ChunkTask task = new ChunkTask(object, i, count, layout.offset(i), layout.length(i));
      long within = target.resumedWithin(i);
      if (within > 0 && within < task.length()) {
        // Ask only for the rest of a chunk an interrupted download got part-way into.
        task =
            new ChunkTask(object, i, count, task.offset() + within, task.length() - (int) within);
      }
      Budget.Lease lease = budget.acquire(task.length());
      scope.metrics().chunksAdmitted.incrementAndGet();
      scope.admitted();
      work.put(new Work(task, target, sequence++, lease, scope));
    }
    return sequence;
  }

  /**
   * Returns the next object to plan: one to fetch again first, then the next listed; null when the
   * listing is done and no opened object is unfinished (so none can come back).
   */
  private Refetch next() throws InterruptedException {
    while (true) {
      Refetch back = again.poll();
      if (back != null) {
        return back;
      }
      if (listingDone) {
        if (unfinished.get() == 0) {
          return null;
        }
        back = again.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (back != null) {
          return back;
        }
        continue;
      }
      PlannedObject planned = listed.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
      if (planned == END_OF_LISTING) {
        listingDone = true;
        // An ordered consumer learns here that no object follows; only unordered sinks refetch.
        sink.listingDone();
      } else if (planned != null) {
        return new Refetch(planned, 1, null, null);
      }
    }
  }

  /**
   * Returns how the object may have been uploaded in parts, the likeliest first, once the verifier
   * has learned it; empty when its check needs no part layout or none could be had in time.
   */
  private static List<PartLayout> parts(PlannedObject planned) throws InterruptedException {
    if (planned.parts() == null) {
      return List.of();
    }
    try {
      return planned.parts().get(PARTS_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return List.of();
    }
  }

  /**
   * Returns how the planner cuts the object, checked; null when the planner failed it (it threw, or
   * its layout does not cover the object in chunks of at most the chunk size). The default planner
   * cuts a multipart upload whose parts are known along them.
   */
  private ChunkLayout layout(ObjectInfo object, PartLayout parts) throws InterruptedException {
    if (planner == ChunkPlanner.UNIFORM) {
      // Right by construction.
      return parts != null
          ? parts.chunks(chunkSize)
          : ChunkLayout.uniform(object.size(), chunkSize);
    }
    ChunkLayout[] layout = new ChunkLayout[1];
    boolean ok =
        scope
            .invoker()
            .guard(
                object,
                null,
                () ->
                    layout[0] =
                        Invoker.call(
                            planner,
                            "plan",
                            object.uri(),
                            () -> checked(planner.plan(object, chunkSize), object)));
    return ok ? layout[0] : null;
  }

  /**
   * Returns {@code layout} if it covers exactly the object in chunks of at most the chunk size.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  private ChunkLayout checked(ChunkLayout layout, ObjectInfo object) {
    if (layout == null) {
      return null;
    }
    if (layout.size() != object.size()) {
      throw new IllegalArgumentException(
          "the layout covers "
              + layout.size()
              + " bytes but the object has "
              + object.size()
              + "; plan ChunkLayout.of(object.size(), ...)");
    }
    if (layout.longest() > chunkSize) {
      throw new IllegalArgumentException(
          "a chunk of "
              + layout.longest()
              + " bytes is longer than the chunk size ("
              + chunkSize
              + " bytes); keep every chunk within maxChunkSize");
    }
    return layout;
  }

  /** Opens the object in the sink; returns null when a hook in the sink failed it. */
  private ObjectSink open(PlannedObject planned, ChunkLayout layout, long sequence)
      throws InterruptedException {
    ObjectSink[] opened = new ObjectSink[1];
    boolean ok =
        scope
            .invoker()
            .guard(
                planned.object(),
                null,
                () -> {
                  try {
                    opened[0] = sink.open(planned.object(), planned.target(), layout, sequence);
                  } catch (IOException e) {
                    throw new RetrieverException(
                        Reason.LOCAL_IO, "cannot write " + planned.object().uri() + ": " + e, e);
                  }
                });
    return ok ? opened[0] : null;
  }
}
