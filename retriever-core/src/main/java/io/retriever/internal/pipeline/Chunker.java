package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import java.io.IOException;

/**
 * The chunker stage: splits each object into ranged chunks and admits them, in (object, chunk)
 * order, only as the in-flight byte budget allows. An object no larger than a chunk is one GET.
 *
 * <p>Concurrency: runs on the chunker thread alone; it is the budget's only acquirer.
 */
final class Chunker {
  private final Pipeline pipeline;

  Chunker(Pipeline pipeline) {
    this.pipeline = pipeline;
  }

  void run() throws InterruptedException {
    int chunkSize = pipeline.settings.chunkSize();
    long sequence = 0;
    while (true) {
      ObjectInfo object = pipeline.listed.take();
      if (object == Pipeline.END_OF_LISTING) {
        break;
      }
      int count = ChunkPlan.chunkCount(object.size(), chunkSize);
      ObjectSink sink = open(object, count, sequence);
      if (count == 0) {
        try {
          pipeline.objectFinished(sink);
        } catch (Exception e) {
          throw pipeline.s3.describe(e, object.bucket(), object.key());
        }
        continue;
      }
      for (int i = 0; i < count; i++) {
        ChunkTask task = ChunkPlan.task(object, i, count, chunkSize);
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

  private ObjectSink open(ObjectInfo object, int count, long sequence) {
    try {
      return pipeline.sink.open(object, count, sequence);
    } catch (RetrieverException e) {
      throw e;
    } catch (IOException e) {
      throw new RetrieverException(Reason.LOCAL_IO, "cannot write " + object.uri() + ": " + e, e);
    }
  }
}
