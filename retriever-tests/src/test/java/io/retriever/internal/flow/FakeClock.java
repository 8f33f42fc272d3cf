package io.retriever.internal.flow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A clock that moves only when told: {@link #advance} moves it, and so does {@link #sleep}, by
 * exactly the time slept, without blocking. A test of code that waits on it therefore runs at once
 * and always sees the same times.
 *
 * <p>Concurrency: thread-safe; every method is synchronized.
 */
final class FakeClock implements Clock {
  /** The wall-clock time at nano time zero. */
  private static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");

  /** The time now, in nanoseconds since the clock was made. */
  private long nanos;

  /** Every positive sleep, in order. */
  private final List<Long> sleeps = new ArrayList<>();

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized void sleep(long nanos) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (nanos > 0) {
      sleeps.add(nanos);
      this.nanos += nanos;
    }
  }

  @Override
  public synchronized Instant now() {
    return EPOCH.plusNanos(nanos);
  }

  /** Moves the clock forward. */
  synchronized void advance(long amount, TimeUnit unit) {
    nanos += unit.toNanos(amount);
  }

  /** Returns the time slept so far, in nanoseconds. */
  synchronized long slept() {
    return sleeps.stream().mapToLong(Long::longValue).sum();
  }

  /** Returns every positive sleep so far, in order. */
  synchronized List<Long> sleeps() {
    return List.copyOf(sleeps);
  }
}
