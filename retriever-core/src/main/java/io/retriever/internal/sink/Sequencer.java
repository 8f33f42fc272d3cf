package io.retriever.internal.sink;

import io.retriever.Chunk;
import io.retriever.RetrieverException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sequencer stage: a waiting room where chunks that arrive in any order wait until the ordered
 * consumer asks for them by sequence number.
 *
 * <p>Concurrency: many downloader workers {@link #put}; one consumer thread {@link #take}s. It
 * holds only admitted chunks, so its size is bounded by the byte budget; the chunk the consumer
 * waits for has always been admitted, so {@link #take} returns once it arrives.
 */
final class Sequencer {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();

  /** Chunks that arrived and have not been taken, by sequence number. Guarded by {@code lock}. */
  private final Map<Long, Chunk> waiting = new HashMap<>();

  /** The download's failure, or null. Guarded by {@code lock}. */
  private RetrieverException failure;

  /** Adds a complete chunk. */
  void put(long sequence, Chunk chunk) {
    lock.lock();
    try {
      waiting.put(sequence, chunk);
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for the chunk with this sequence number and removes it.
   *
   * @throws RetrieverException the download's failure
   */
  Chunk take(long sequence) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      Chunk chunk;
      while ((chunk = waiting.remove(sequence)) == null) {
        if (failure != null) {
          throw failure;
        }
        arrived.await();
      }
      return chunk;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes the consumer with the download's failure; drops what waits. */
  void fail(RetrieverException error) {
    lock.lock();
    try {
      failure = error;
      waiting.clear();
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
