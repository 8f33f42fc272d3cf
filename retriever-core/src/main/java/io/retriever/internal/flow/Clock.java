package io.retriever.internal.flow;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The time a Retriever's shared resources read and wait on: the system's in use, a fake one in
 * tests, so that rates and back-off are checked on numbers instead of by waiting.
 *
 * <p>Concurrency: implementations are called from any thread at once.
 */
public interface Clock {
  /** Returns a monotonic time in nanoseconds, for measuring intervals only. */
  long nanoTime();

  /** Waits {@code nanos} nanoseconds; returns at once when {@code nanos} is not positive. */
  void sleep(long nanos) throws InterruptedException;

  /** Returns the wall-clock time. */
  Instant now();

  /** Returns the system's clock. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }

  /** The system's clock: {@link System#nanoTime}, {@link TimeUnit#sleep} and the UTC time. */
  enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
      TimeUnit.NANOSECONDS.sleep(nanos);
    }

    @Override
    public Instant now() {
      return Instant.now();
    }
  }
}
