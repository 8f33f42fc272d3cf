package io.retriever.internal.pipeline;

import io.retriever.RetrieverException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-flight byte budget: every byte held in a buffer is acquired here first and released when
 * its consumer is done with it.
 *
 * <p>Concurrency: one thread acquires (the chunker), in (object, chunk) order; any thread releases.
 * Because acquisition is in order, the chunk an ordered consumer waits for has always been admitted
 * already, so a slow consumer slows the download down but cannot deadlock it. {@link #close} wakes
 * a waiting acquirer with the download's failure.
 */
public final class ByteBudget {
  private final long capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition released = lock.newCondition();

  /** Bytes acquired and not yet released. Guarded by {@code lock}. */
  private long inUse;

  /** The largest {@code inUse} seen. Guarded by {@code lock}. */
  private long peak;

  /** The failure that closed the budget, or null while open. Guarded by {@code lock}. */
  private RetrieverException closedBy;

  public ByteBudget(long capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("budget must be positive: " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Waits until {@code bytes} fit in the budget, then takes them.
   *
   * @throws RetrieverException the failure that closed the budget
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public void acquire(long bytes) throws InterruptedException {
    if (bytes > capacity) {
      throw new IllegalArgumentException(bytes + " bytes can never fit a budget of " + capacity);
    }
    lock.lockInterruptibly();
    try {
      while (closedBy == null && inUse + bytes > capacity) {
        released.await();
      }
      if (closedBy != null) {
        throw closedBy;
      }
      inUse += bytes;
      peak = Math.max(peak, inUse);
    } finally {
      lock.unlock();
    }
  }

  /** Gives back {@code bytes} acquired earlier. */
  public void release(long bytes) {
    if (bytes == 0) {
      return;
    }
    lock.lock();
    try {
      inUse -= bytes;
      if (inUse < 0) {
        throw new IllegalStateException("released more than was acquired: " + inUse);
      }
      released.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Wakes any waiter with {@code failure}; later acquisitions fail with it too. */
  public void close(RetrieverException failure) {
    lock.lock();
    try {
      if (closedBy == null) {
        closedBy = failure;
      }
      released.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Returns the bytes held now. */
  public long inUse() {
    lock.lock();
    try {
      return inUse;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the most bytes held at once so far. */
  public long peak() {
    lock.lock();
    try {
      return peak;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the budget's size. */
  public long capacity() {
    return capacity;
  }
}
