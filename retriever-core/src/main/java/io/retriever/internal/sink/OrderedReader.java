package io.retriever.internal.sink;

import io.retriever.Chunk;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.internal.pipeline.Pipeline;
import io.retriever.internal.sink.OrderedSink.Planned;

/**
 * Walks an ordered download on the consumer's thread: object after object, chunk after chunk,
 * giving each chunk's bytes back to the budget when the consumer moves past it.
 *
 * <p>Concurrency: one consumer thread only.
 */
final class OrderedReader {
  private final Pipeline pipeline;
  private final OrderedSink sink;

  OrderedReader(Pipeline pipeline, OrderedSink sink) {
    this.pipeline = pipeline;
    this.sink = sink;
  }

  /** Returns the next object, or null (and ends the download) after the last one. */
  Planned nextObject() {
    try {
      Planned next = sink.nextObject();
      if (next == null) {
        pipeline.consumerDone();
      }
      return next;
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
  }

  /** Waits for chunk {@code index} of {@code object}. */
  Chunk take(Planned object, int index) {
    try {
      return sink.take(object.firstSequence() + index);
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
  }

  /**
   * Waits for chunk {@code index} of {@code object}; for its last, also until the object is
   * checked.
   *
   * @throws RetrieverException why the object or the download failed
   */
  Chunk takeChecked(Planned object, int index) {
    try {
      return sink.takeChecked(object, index);
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
  }

  /** Gives a chunk's bytes back to the budget. */
  void release(Chunk chunk) {
    sink.release(chunk);
  }

  /** Gives a chunk's bytes back to the budget and its array for reuse; nothing may still see it. */
  void recycle(Chunk chunk) {
    sink.recycle(chunk);
  }

  private RetrieverException interrupted(InterruptedException e) {
    Thread.currentThread().interrupt();
    pipeline.cancel();
    return new RetrieverException(Reason.CANCELLED, "interrupted while reading the download", e);
  }
}
