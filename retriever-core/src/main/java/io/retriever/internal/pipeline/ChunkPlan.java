package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;
import io.retriever.ObjectInfo;

/** Splits objects into chunks: ranges of {@code chunkSize} bytes, the last one shorter. */
public final class ChunkPlan {
  private ChunkPlan() {}

  /** Returns how many chunks of {@code chunkSize} bytes an object of {@code size} bytes has. */
  public static int chunkCount(long size, int chunkSize) {
    long count = (size + chunkSize - 1) / chunkSize;
    if (count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many chunks: " + count);
    }
    return (int) count;
  }

  /** Returns chunk {@code index} of {@code object}, which has {@code count} chunks. */
  public static ChunkTask task(ObjectInfo object, int index, int count, int chunkSize) {
    long offset = (long) index * chunkSize;
    int length = (int) Math.min(chunkSize, object.size() - offset);
    return new ChunkTask(object, index, count, offset, length);
  }
}
