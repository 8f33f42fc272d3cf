package io.retriever.internal.sink;

import io.retriever.Chunk;
import io.retriever.ChunkDownload;
import io.retriever.internal.pipeline.Pipeline;
import io.retriever.internal.sink.OrderedSink.Planned;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

/** A download read chunk by chunk, in order. */
public final class RealChunkDownload extends RealDownload implements ChunkDownload {
  private final OrderedReader reader;
  private final AtomicBoolean iterated = new AtomicBoolean();

  public RealChunkDownload(Pipeline pipeline, OrderedSink sink) {
    super(pipeline);
    this.reader = new OrderedReader(pipeline, sink);
  }

  @Override
  public Iterator<Chunk> iterator() {
    if (!iterated.compareAndSet(false, true)) {
      throw new IllegalStateException("a download can be iterated once");
    }
    return new Iterator<>() {
      private Planned object;
      private int index;
      private Chunk previous;
      private boolean end;

      @Override
      public boolean hasNext() {
        if (previous != null) {
          reader.release(previous);
          previous = null;
        }
        while (!end && (object == null || index == object.chunks())) {
          object = reader.nextObject();
          index = 0;
          end = object == null;
        }
        return !end;
      }

      @Override
      public Chunk next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        previous = reader.takeChecked(object, index++);
        return previous;
      }
    };
  }
}
