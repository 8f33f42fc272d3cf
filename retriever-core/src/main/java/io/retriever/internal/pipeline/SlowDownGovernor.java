package io.retriever.internal.pipeline;

import java.util.concurrent.TimeUnit;

/**
 * Decides the concurrency of a download with a fixed concurrency when S3 answers 503 SlowDown:
 * halves it (at most once a second) when a GET still got 503 after the SDK's own retries, and after
 * five calm seconds gives back a sixteenth of the workers per second.
 *
 * <p>Which 503s count: the SDK retries a throttled request itself, with its own back-off, and most
 * retries succeed; those 503s are left to it. Cutting the concurrency for each of them as well
 * would stack two reactions to one signal: at a steady 10 % of requests throttled, every second
 * would bring a cut and no second would be calm, so the download would end on one connection. A 503
 * that outlasts the SDK's retries means the throttling is persistent, and only that signal cuts.
 *
 * <p>Concurrency: one thread (the download's governor) calls {@link #decide}; time is passed in.
 */
final class SlowDownGovernor {
  /** Least time between two changes of the limit. */
  static final long SPACING_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Calm time after a cut before the limit grows again. */
  static final long RECOVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final int ceiling;

  /** The 503s that had reached the workers at the last decision. */
  private long seen;

  private long lastCut;
  private long lastChange;

  /** Starts at {@code nowNanos} with the limit at {@code ceiling}, the download's concurrency. */
  SlowDownGovernor(int ceiling, long slowDowns, long nowNanos) {
    this.ceiling = ceiling;
    this.seen = slowDowns;
    this.lastCut = nowNanos - RECOVERY_NANOS;
    this.lastChange = lastCut;
  }

  /**
   * Returns the limit to set, given the current one, the count of GETs that got 503 after the SDK's
   * retries, and the time.
   */
  int decide(int limit, long slowDowns, long nowNanos) {
    if (slowDowns > seen) {
      seen = slowDowns;
      if (nowNanos - lastCut >= SPACING_NANOS) {
        lastCut = nowNanos;
        lastChange = nowNanos;
        return Math.max(1, limit / 2);
      }
    } else if (limit < ceiling
        && nowNanos - lastCut >= RECOVERY_NANOS
        && nowNanos - lastChange >= SPACING_NANOS) {
      lastChange = nowNanos;
      return Math.min(ceiling, limit + Math.max(1, ceiling / 16));
    }
    return limit;
  }
}
