package io.retriever.internal.pipeline;

import java.util.ArrayDeque;

/**
 * Reusable chunk-size arrays, so that a long download reuses the same few buffers instead of
 * leaving one array of garbage per chunk for the collector to find (the heap then grows toward its
 * maximum rather than being collected).
 *
 * <p>Memory: an array is taken only for a chunk the budget has admitted, and a new one is made only
 * when none is free, so there are never more full-size arrays, in use or pooled, than the budget's
 * capacity holds chunks. The pool also keeps at most {@code maxPooled} of them. Shorter chunks (the
 * last of an object, small objects) get arrays of their own size, which are cheap.
 *
 * <p>Thread safety: used by all workers and the consumer at once, behind one lock.
 */
public final class BufferPool {
  private final int chunkSize;
  private final int maxPooled;

  /** Free arrays of {@code chunkSize} bytes. Guarded by {@code this}. */
  private final ArrayDeque<byte[]> free = new ArrayDeque<>();

  /** Makes a pool of {@code chunkSize} arrays that keeps as many as {@code capacity} bytes hold. */
  public BufferPool(int chunkSize, long capacity) {
    this.chunkSize = chunkSize;
    this.maxPooled = (int) Math.max(1, Math.min(Integer.MAX_VALUE, capacity / chunkSize));
  }

  /** Returns an array of at least {@code length} bytes. */
  public byte[] take(int length) {
    if (length != chunkSize) {
      return new byte[length];
    }
    synchronized (this) {
      byte[] array = free.poll();
      if (array != null) {
        return array;
      }
    }
    // Pool is empty. Don't zero-fill while holding the lock.
    return new byte[chunkSize];
  }

  /** Gives an array back for reuse; the caller must hold no view of it any more. */
  public void give(byte[] array) {
    if (array.length != chunkSize) {
      return;
    }
    synchronized (this) {
      if (free.size() < maxPooled) {
        free.push(array);
      }
    }
  }
}
