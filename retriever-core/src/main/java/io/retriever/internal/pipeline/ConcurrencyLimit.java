package io.retriever.internal.pipeline;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many downloader workers may fetch at once, below the number that exist; the tuner moves it
 * while the download runs.
 *
 * <p>Concurrency: workers acquire and release from their threads; the tuner sets the limit from its
 * own. A lowered limit takes effect as fetches finish; none is interrupted.
 */
final class ConcurrencyLimit {
  private final int max;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  /** Fetches allowed at once. Guarded by {@code lock}. */
  private int limit;

  /** Fetches running. Guarded by {@code lock}. */
  private int active;

  ConcurrencyLimit(int initial, int max) {
    this.max = max;
    this.limit = Math.max(1, Math.min(initial, max));
  }

  /** Waits until one more fetch is allowed and counts it. */
  void acquire() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (active >= limit) {
        changed.await();
      }
      active++;
    } finally {
      lock.unlock();
    }
  }

  /** Counts a fetch as finished. */
  void release() {
    lock.lock();
    try {
      active--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Sets the limit, kept between 1 and the number of workers; returns what was set. */
  int set(int newLimit) {
    lock.lock();
    try {
      limit = Math.max(1, Math.min(newLimit, max));
      changed.signalAll();
      return limit;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the limit now. */
  int get() {
    lock.lock();
    try {
      return limit;
    } finally {
      lock.unlock();
    }
  }
}
