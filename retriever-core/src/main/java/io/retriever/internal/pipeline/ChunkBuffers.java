package io.retriever.internal.pipeline;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Reusable arrays for chunks that are buffered whole (when chunk interceptors are installed). A
 * worker takes one for a chunk the budget has admitted and gives it back once the chunk is written,
 * so there are never more full-size arrays than admitted chunks: the budget bounds them. Shorter
 * chunks (the last of an object, small objects) get arrays of their own size, which are cheap.
 *
 * <p>Thread safety: used by all workers at once.
 */
final class ChunkBuffers {
  private final int chunkSize;
  private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();

  ChunkBuffers(int chunkSize) {
    this.chunkSize = chunkSize;
  }

  /** Returns an array of at least {@code length} bytes. */
  byte[] take(int length) {
    if (length < chunkSize) {
      return new byte[length];
    }
    byte[] array = free.poll();
    return array != null ? array : new byte[chunkSize];
  }

  /** Gives an array back for reuse. */
  void give(byte[] array) {
    if (array.length == chunkSize) {
      free.add(array);
    }
  }
}
