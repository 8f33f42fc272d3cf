package io.retriever.internal.flow;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many downloader workers may fetch at once, below the number that exist; the {@link
 * Controller} moves it while downloads run.
 *
 * <p>Concurrency: workers acquire and release from their threads; the controller sets the limit
 * from its own. A lowered limit takes effect as fetches finish; none is interrupted.
 */
public final class ConcurrencyLimit {
  /** The most the limit may be: the number of workers. */
  private final int max;

  /** Guards {@code limit} and {@code active}. */
  private final ReentrantLock lock = new ReentrantLock();

  /** Signalled when a fetch finishes or the limit changes. */
  private final Condition changed = lock.newCondition();

  /** Fetches allowed at once. Guarded by {@code lock}. */
  private int limit;

  /** Fetches running. Guarded by {@code lock}. */
  private int active;

  /** Creates a limit of {@code initial}, kept between 1 and {@code max}. */
  public ConcurrencyLimit(int initial, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("the concurrency must be at least 1, was " + max);
    }
    this.max = max;
    this.limit = Math.max(1, Math.min(initial, max));
  }

  /** Waits until one more fetch is allowed and counts it. */
  public void acquire() throws InterruptedException {
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

  /** Requests on the wire now, first tries and retries. Guarded by {@code lock}. */
  private int sending;

  /** Counts a request sent by a fetch that holds a permit: a first try, never held back. */
  public void sending() {
    lock.lock();
    try {
      sending++;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until fewer requests than the limit are on the wire, then counts one more: a retry, which
   * a lowered limit holds back although its fetch holds a permit (permits are not taken back from
   * fetches that have one). Gives up waiting, without counting, when {@code stop} says so.
   *
   * @return false if it gave up
   */
  public boolean awaitSending(java.util.function.BooleanSupplier stop) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (sending >= limit) {
        if (stop.getAsBoolean()) {
          return false;
        }
        changed.await(50, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      sending++;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Counts a request off the wire. */
  public void sent() {
    lock.lock();
    try {
      sending--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Counts one more fetch if the limit allows it now; returns whether it did. */
  public boolean tryAcquire() {
    lock.lock();
    try {
      if (active >= limit) {
        return false;
      }
      active++;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Counts a fetch as finished. */
  public void release() {
    lock.lock();
    try {
      if (active == 0) {
        throw new IllegalStateException("released a fetch that was never acquired");
      }
      active--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Sets the limit, kept between 1 and the number of workers; returns what was set. */
  public int set(int newLimit) {
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
  public int get() {
    lock.lock();
    try {
      return limit;
    } finally {
      lock.unlock();
    }
  }

  /** Returns how many fetches are running now. */
  public int active() {
    lock.lock();
    try {
      return active;
    } finally {
      lock.unlock();
    }
  }

  /** Returns how many workers wait for a fetch to be allowed. */
  public int waiting() {
    lock.lock();
    try {
      return lock.getWaitQueueLength(changed);
    } finally {
      lock.unlock();
    }
  }

  /** Returns the most the limit may be. */
  public int max() {
    return max;
  }
}
