package io.retriever.internal.pipeline;

import java.util.concurrent.TimeUnit;

/**
 * Caps a download's bandwidth: every worker pays for the bytes it has read, and waits when the
 * download is ahead of its rate. Up to a quarter of a second of bytes may come in a burst.
 *
 * <p>Concurrency: called by all downloader workers at once; the schedule is guarded by {@code this}
 * and the waiting happens outside it.
 */
final class Throttle {
  private static final long BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  /** Nanoseconds each byte costs. */
  private final double nanosPerByte;

  /** When the bytes paid for so far are due. Guarded by {@code this}. */
  private long dueNanos = System.nanoTime();

  Throttle(long bytesPerSecond) {
    this.nanosPerByte = 1e9 / bytesPerSecond;
  }

  /** Pays for {@code bytes} just read and waits until the rate allows them. */
  void pay(int bytes) throws InterruptedException {
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      dueNanos = Math.max(dueNanos, now - BURST_NANOS) + (long) (bytes * nanosPerByte);
      wait = dueNanos - now;
    }
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
