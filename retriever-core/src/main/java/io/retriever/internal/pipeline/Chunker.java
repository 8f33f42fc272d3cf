package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;
import io.retriever.HookException;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.ChunksPlanned;
import io.retriever.event.ObjectStarted;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The chunker stage: opens each planned object in the sink, splits it into ranged chunks and admits
 * them, in (object, chunk) order, only as the in-flight byte budget allows. An object no larger
 * than a chunk is one GET; chunks already on disk from an interrupted download are not admitted at
 * all.
 *
 * <p>Concurrency: runs on the chunker thread alone; it is the budget's only acquirer.
 */
final class Chunker {
  /** How long the chunker waits for an object before it looks for one to fetch again. */
  private static final long IDLE_POLL_MILLIS = 20;

  private final Pipeline pipeline;

  /** Whether the lister has handed over its last object. */
  private boolean listingDone;

  Chunker(Pipeline pipeline) {
    this.pipeline = pipeline;
  }

  void run() throws Exception {
    int chunkSize = pipeline.settings.chunkSize();
    long sequence = 0;
    while (true) {
      Pipeline.Refetch refetch = next();
      if (refetch == null) {
        break;
      }
      PlannedObject planned = refetch.planned();
      ObjectInfo object = planned.object();
      int count = ChunkPlan.chunkCount(object.size(), chunkSize);
      ObjectSink sink;
      try {
        sink = open(planned, count, sequence);
      } catch (HookException e) {
        pipeline.objectFailed(object, null, e);
        continue;
      } catch (RefusedKey e) {
        pipeline.objectRefused(object, e);
        continue;
      }
      if (refetch.attempt() == 1) {
        pipeline.unfinishedObjects.incrementAndGet();
      }
      sink.origin(planned, refetch.attempt());
      sink.localSource(planned.localSource());
      int resumed = 0;
      for (int i = 0; i < count; i++) {
        resumed += sink.resumed(i) ? 1 : 0;
      }
      pipeline.verifier.plan(sink, count, refetch.previousCrcs());
      if (sink.resumedBytes() > 0) {
        pipeline.bytesListed.addAndGet(-sink.resumedBytes());
        pipeline.bytesResumed.addAndGet(sink.resumedBytes());
      }
      int alreadyOnDisk = resumed;
      try {
        pipeline.hooks.tell(
            "objectStarted",
            object.uri(),
            l ->
                l.objectStarted(
                    new ObjectStarted(
                        object,
                        sink.target(),
                        planned.localSource(),
                        sink.resumedBytes(),
                        sink.restarted())));
        pipeline.hooks.tell(
            "chunksPlanned",
            object.uri(),
            l -> l.chunksPlanned(new ChunksPlanned(object, count, chunkSize, alreadyOnDisk)));
      } catch (HookException e) {
        pipeline.objectFailed(object, sink, e);
        pipeline.objectFinished(sink);
        continue;
      }
      if (count == resumed) {
        pipeline.objectFinished(sink);
        continue;
      }
      for (int i = 0; i < count; i++) {
        if (sink.resumed(i)) {
          continue;
        }
        ChunkTask task = ChunkPlan.task(object, i, count, chunkSize);
        long within = sink.resumedWithin(i);
        if (within > 0 && within < task.length()) {
          // Ask only for the rest of a chunk an interrupted download got part-way into.
          task =
              new ChunkTask(object, i, count, task.offset() + within, task.length() - (int) within);
        }
        pipeline.budget.acquire(task.length());
        pipeline.chunksAdmitted.incrementAndGet();
        pipeline.tasks.put(new ChunkJob(task, sink, sequence++));
      }
    }
    pipeline.sink.listingDone();
    for (int i = 0; i < pipeline.settings.concurrency(); i++) {
      pipeline.tasks.put(Pipeline.STOP);
    }
  }

  /**
   * Returns the next object to plan: one to fetch again first, then the next listed; null when the
   * listing is done and, for unordered sinks, no object can come back to be fetched again.
   */
  private Pipeline.Refetch next() throws InterruptedException {
    while (true) {
      Pipeline.Refetch again = pipeline.again.poll();
      if (again != null) {
        return again;
      }
      if (listingDone) {
        if (pipeline.sink.ordered() || pipeline.unfinishedObjects.get() == 0) {
          return null;
        }
        again = pipeline.again.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (again != null) {
          return again;
        }
        continue;
      }
      PlannedObject planned = pipeline.listed.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
      if (planned == Pipeline.END_OF_LISTING) {
        listingDone = true;
      } else if (planned != null) {
        return new Pipeline.Refetch(planned, 1, null);
      }
    }
  }

  private ObjectSink open(PlannedObject planned, int count, long sequence) {
    try {
      return pipeline.sink.open(planned.object(), planned.target(), count, sequence);
    } catch (RetrieverException e) {
      throw e;
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO, "cannot write " + planned.object().uri() + ": " + e, e);
    }
  }
}
