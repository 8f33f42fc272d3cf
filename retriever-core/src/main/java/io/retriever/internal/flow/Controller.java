package io.retriever.internal.flow;

import java.util.concurrent.TimeUnit;

/**
 * Decides the concurrency limit of a download, one decision every {@link #intervalNanos}. It takes
 * no time and holds no thread: the caller passes in the limit, the counters and the time, and sets
 * what it returns on the {@link ConcurrencyLimit}.
 *
 * <p>With a fixed concurrency ({@link #fixed}) it only backs off when S3 answers 503 SlowDown:
 * halves the limit (at most once a second) when a GET still got 503 after the SDK's own retries,
 * and after five calm seconds gives back a sixteenth of the ceiling per second, each step only once
 * as many answers as the limit came back since the step before (a store that answers slowly gets
 * its requests back slowly).
 *
 * <p>With a throughput target ({@link #targeting}), after the first interval it sets the limit from
 * the measured rate per connection (target ÷ rate per connection); then it grows the limit by a
 * quarter while throughput is below the target and the last growth paid off, steps back to the
 * previous limit (and stays there a while) when it did not, and halves the limit when a GET got 503
 * after the SDK's own retries.
 *
 * <p>Two more signals say the store falls behind, and cut the limit as a persistent 503 does: a
 * request that got no byte for the stall timeout (counted with the 503s by the caller), and a
 * first-byte latency that rose well above the lowest seen (the interval's mean more than twice the
 * lowest interval mean, and more than {@link #LATENCY_RISE_NANOS} above it): requests queue at the
 * store. No growth happens while either lasts.
 *
 * <p>Which 503s count: the SDK retries a throttled request itself, with its own back-off, and most
 * retries succeed; those 503s are left to it. Cutting the concurrency for each of them as well
 * would stack two reactions to one signal: at a steady 10 % of requests throttled, every second
 * would bring a cut and no second would be calm, so the download would end on one connection. A 503
 * that outlasts the SDK's retries means the throttling is persistent, and only that signal cuts.
 *
 * <p>Concurrency: not thread-safe; one thread (the download's controller thread) calls it.
 */
public final class Controller {
  /** Least time between two changes of the limit when backing off. */
  static final long SPACING_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Calm time after a cut before the limit grows again when backing off. */
  static final long RECOVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** How often a fixed concurrency is reconsidered. */
  static final long BACK_OFF_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  /** When the rate per connection is first measured toward a target. */
  static final long FIRST_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** How often throughput is measured and the limit moved toward a target. */
  static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** How far the mean first-byte latency must rise above the lowest to count as queueing. */
  static final long LATENCY_RISE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** First bytes needed before an interval's mean latency is judged. */
  static final int LATENCY_SAMPLES = 4;

  /** Intervals to stay at a limit after stepping back to it. */
  static final int HOLD_INTERVALS = 4;

  /** The throughput target in bytes per second, or 0 for a fixed concurrency. */
  private final double target;

  /** The highest limit: the number of workers. */
  private final int ceiling;

  /** The 503s after the SDK's retries seen at the last decision. */
  private long lastSlowDowns;

  /** When the limit was last cut (fixed concurrency). */
  private long lastCut;

  /** When the limit last changed (fixed concurrency). */
  private long lastChange;

  /** The bytes done at the last decision (target). */
  private long lastBytes;

  /** The time of the last decision (target). */
  private long lastNanos;

  /** The throughput measured at the last decision, in bytes per second (target). */
  private double lastRate;

  /** The limit before the last change, to step back to (target). */
  private int previousLimit;

  /** Whether the rate per connection has been measured (target). */
  private boolean measured;

  /** Decisions left to stay at the current limit (target). */
  private int hold;

  /** First bytes counted at the last judged interval, and their summed latency. */
  private long lastFirstBytes;

  private long lastFirstByteNanos;

  /** The lowest mean first-byte latency of an interval so far, or NaN before the first. */
  private double lowestLatency = Double.NaN;

  /** Whether the last judged interval's latency had risen: no growth until one has not. */
  private boolean latencyHigh;

  /** The count of first bytes from which latency is judged again after a cut. */
  private long judgeFrom;

  /** The count of first bytes after which the limit may grow again (fixed concurrency). */
  private long growFrom;

  /** The count of first bytes at this decision. */
  private long firstBytesNow;

  private Controller(
      double target, int ceiling, int initial, long bytes, long slowDowns, long now) {
    if (ceiling < 1) {
      throw new IllegalArgumentException("the concurrency must be at least 1, was " + ceiling);
    }
    this.target = target;
    this.ceiling = ceiling;
    this.previousLimit = clamp(initial);
    this.lastBytes = bytes;
    this.lastSlowDowns = slowDowns;
    this.lastNanos = now;
    this.lastCut = now - RECOVERY_NANOS;
    this.lastChange = lastCut;
  }

  /**
   * Returns a controller for a fixed concurrency of {@code ceiling}, which it leaves only to back
   * off from 503s, starting at {@code nowNanos} with {@code slowDowns} counted so far.
   */
  public static Controller fixed(int ceiling, long slowDowns, long nowNanos) {
    return new Controller(0, ceiling, ceiling, 0, slowDowns, nowNanos);
  }

  /**
   * Returns a controller that moves the limit, from {@code initial} and at most {@code ceiling},
   * toward {@code bytesPerSecond}, starting at {@code nowNanos} with {@code bytesDone} and {@code
   * slowDowns} counted so far.
   */
  public static Controller targeting(
      double bytesPerSecond,
      int initial,
      int ceiling,
      long bytesDone,
      long slowDowns,
      long nowNanos) {
    if (!(bytesPerSecond > 0)) {
      throw new IllegalArgumentException(
          "the throughput target must be positive, was " + bytesPerSecond);
    }
    return new Controller(bytesPerSecond, ceiling, initial, bytesDone, slowDowns, nowNanos);
  }

  /** Returns how long to wait before the next {@link #decide}. */
  public long intervalNanos() {
    if (target == 0) {
      return BACK_OFF_INTERVAL_NANOS;
    }
    // The first measurement comes early: until it, the download runs on a guess.
    return measured ? INTERVAL_NANOS : FIRST_INTERVAL_NANOS;
  }

  /**
   * Returns the limit to set, between 1 and the ceiling, given the current one, the bytes done so
   * far, the count of GETs that got 503 after the SDK's retries, and the time.
   */
  public int decide(int currentLimit, long bytesDone, long slowDowns, long nowNanos) {
    return decide(currentLimit, bytesDone, slowDowns, -1, 0, nowNanos);
  }

  /**
   * Returns the limit to set, as {@link #decide(int, long, long, long)} does, given also the count
   * of responses whose first byte came so far and the sum of their first-byte latencies.
   */
  public int decide(
      int currentLimit,
      long bytesDone,
      long slowDowns,
      long firstBytes,
      long firstByteNanos,
      long nowNanos) {
    // Without a count of first bytes (-1), neither latency nor answers gate anything.
    boolean counted = firstBytes >= 0;
    boolean queueing = counted && latencyRose(firstBytes, firstByteNanos);
    firstBytesNow = counted ? firstBytes : Long.MAX_VALUE;
    int next =
        clamp(
            target == 0
                ? backOff(currentLimit, slowDowns, queueing, nowNanos)
                : seekTarget(currentLimit, bytesDone, slowDowns, queueing, nowNanos));
    if (next < currentLimit && counted) {
      // About as many requests as the old limit are out: let them come back first.
      judgeFrom = firstBytes + currentLimit;
      growFrom = firstBytes + currentLimit;
    }
    return next;
  }

  /**
   * Returns whether the mean first-byte latency since the last judged interval rose well above the
   * lowest so far; judges only once enough first bytes came.
   */
  private boolean latencyRose(long firstBytes, long firstByteNanos) {
    if (firstBytes < judgeFrom) {
      // Requests sent before the last cut still queue at the store: they say nothing of the new
      // limit. Judging starts again with the first requests sent after it.
      lastFirstBytes = firstBytes;
      lastFirstByteNanos = firstByteNanos;
      return false;
    }
    long n = firstBytes - lastFirstBytes;
    if (n < LATENCY_SAMPLES) {
      return false;
    }
    double mean = (double) (firstByteNanos - lastFirstByteNanos) / n;
    lastFirstBytes = firstBytes;
    lastFirstByteNanos = firstByteNanos;
    if (Double.isNaN(lowestLatency) || mean < lowestLatency) {
      lowestLatency = mean;
    }
    latencyHigh = mean > 2 * lowestLatency && mean > lowestLatency + LATENCY_RISE_NANOS;
    return latencyHigh;
  }

  private int backOff(int limit, long slowDowns, boolean queueing, long now) {
    if (slowDowns > lastSlowDowns || queueing) {
      lastSlowDowns = slowDowns;
      if (now - lastCut >= SPACING_NANOS) {
        lastCut = now;
        lastChange = now;
        return Math.max(1, limit / 2);
      }
    } else if (limit < ceiling
        && !latencyHigh
        && firstBytesNow >= growFrom
        && now - lastCut >= RECOVERY_NANOS
        && now - lastChange >= SPACING_NANOS) {
      lastChange = now;
      // Grow again only once as many answers as the limit came back: the store has kept up with it.
      growFrom = firstBytesNow + limit;
      return Math.min(ceiling, limit + Math.max(1, ceiling / 16));
    }
    return limit;
  }

  private int seekTarget(int current, long bytes, long slowDowns, boolean queueing, long now) {
    double rate = (bytes - lastBytes) * 1e9 / Math.max(1, now - lastNanos);
    int next = current;
    if (hold > 0) {
      hold--;
    } else if (slowDowns > lastSlowDowns || queueing) {
      previousLimit = current;
      next = current / 2;
    } else if (rate > 0 && !measured) {
      measured = true;
      double perConnection = rate / current;
      previousLimit = current;
      next = (int) Math.ceil(target / perConnection);
    } else if (rate > 0 && rate < 0.95 * target) {
      if (current > previousLimit && rate < lastRate * 1.05) {
        // The last growth bought nothing: more connections are not the limit. Stay a while.
        next = previousLimit;
        hold = HOLD_INTERVALS;
      } else {
        previousLimit = current;
        next = current + Math.max(1, current / 4);
      }
    }
    lastBytes = bytes;
    lastSlowDowns = slowDowns;
    lastNanos = now;
    lastRate = rate;
    return next;
  }

  private int clamp(int limit) {
    return Math.max(1, Math.min(limit, ceiling));
  }
}
