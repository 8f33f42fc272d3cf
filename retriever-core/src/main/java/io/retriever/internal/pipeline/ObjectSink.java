package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;
import io.retriever.ObjectInfo;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where one object's chunks go.
 *
 * <p>Concurrency: {@link #writer} and {@link #chunkFinished} are called by downloader workers, for
 * different chunks at once; {@link #complete} once, by the thread that finished the last chunk.
 */
public abstract class ObjectSink {
  private final ObjectInfo object;

  /** Chunks not yet finished. */
  private final AtomicInteger remaining;

  protected ObjectSink(ObjectInfo object, int chunks) {
    this.object = object;
    this.remaining = new AtomicInteger(chunks);
  }

  /** Returns the object. */
  public final ObjectInfo object() {
    return object;
  }

  /** Returns a writer for one chunk, holding {@code sequence} as its place in the download. */
  public abstract ChunkWriter writer(ChunkTask task, long sequence);

  /** Records a finished chunk; returns true when it was the object's last. */
  final boolean chunkFinished() {
    return remaining.decrementAndGet() == 0;
  }

  /** Makes the finished object visible: renames its file into place, or keeps its bytes. */
  public abstract void complete() throws IOException;
}
