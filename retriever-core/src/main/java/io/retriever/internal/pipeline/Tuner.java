package io.retriever.internal.pipeline;

import java.util.concurrent.TimeUnit;

/**
 * Moves the concurrency limit toward a throughput target. After the first interval it sets the
 * limit from the measured rate per connection (target ÷ rate per connection); then it grows the
 * limit by a quarter while throughput is below the target and the last growth paid off, steps back
 * to the previous limit (and stays there a while) when it did not, and halves the limit when a GET
 * got 503 SlowDown after the SDK's own retries.
 *
 * <p>Concurrency: runs on its own thread ({@code retriever-tuner}); reads the pipeline's atomic
 * counters and sets the {@link ConcurrencyLimit}.
 */
final class Tuner {
  /** How often throughput is measured and the limit moved. */
  static final long INTERVAL_MILLIS = 500;

  /** When the rate per connection is first measured. */
  static final long FIRST_INTERVAL_MILLIS = 200;

  /** Intervals to stay at a limit after stepping back to it. */
  private static final int HOLD_INTERVALS = 4;

  private final Pipeline pipeline;
  private final ConcurrencyLimit limit;
  private final double target;

  Tuner(Pipeline pipeline, ConcurrencyLimit limit, double targetBytesPerSecond) {
    this.pipeline = pipeline;
    this.limit = limit;
    this.target = targetBytesPerSecond;
  }

  void run() {
    long lastBytes = pipeline.bytesDone.get();
    long lastSlowDowns = pipeline.slowDownCount();
    long lastNanos = System.nanoTime();
    double lastRate = 0;
    int previousLimit = limit.get();
    boolean measured = false;
    int hold = 0;
    try {
      while (!pipeline.isDone()) {
        // The first measurement comes early: until it, the download runs on a guess.
        TimeUnit.MILLISECONDS.sleep(measured ? INTERVAL_MILLIS : FIRST_INTERVAL_MILLIS);
        long now = System.nanoTime();
        long bytes = pipeline.bytesDone.get();
        long slowDowns = pipeline.slowDownCount();
        double rate = (bytes - lastBytes) * 1e9 / Math.max(1, now - lastNanos);
        int current = limit.get();
        if (hold > 0) {
          hold--;
        } else if (slowDowns > lastSlowDowns) {
          previousLimit = current;
          limit.set(current / 2);
        } else if (rate > 0 && !measured) {
          measured = true;
          double perConnection = rate / current;
          previousLimit = current;
          limit.set((int) Math.ceil(target / perConnection));
        } else if (rate > 0 && rate < 0.95 * target) {
          if (current > previousLimit && rate < lastRate * 1.05) {
            // The last growth bought nothing: more connections are not the limit. Stay a while.
            limit.set(previousLimit);
            hold = HOLD_INTERVALS;
          } else {
            previousLimit = current;
            limit.set(current + Math.max(1, current / 4));
          }
        }
        lastBytes = bytes;
        lastSlowDowns = slowDowns;
        lastNanos = now;
        lastRate = rate;
      }
    } catch (InterruptedException e) {
      // The download ended.
    }
  }
}
