package io.retriever.internal.flow;

import java.util.concurrent.TimeUnit;

/**
 * Caps the bandwidth of all the downloads of one Retriever: every worker pays for the bytes it has
 * read, and waits when the Retriever is ahead of its rate. Up to a quarter of a second of bytes may
 * come in a burst after a pause.
 *
 * <p>Concurrency: called by all downloader workers at once; the schedule is guarded by {@code this}
 * and the waiting happens outside it.
 */
public final class Throttle {
  /** How far behind the schedule may fall, so that a pause lets this much come at once. */
  static final long BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  /** The time waited on. */
  private final Clock clock;

  /** The cap, in bytes per second. */
  private final long bytesPerSecond;

  /** Nanoseconds each byte costs. */
  private final double nanosPerByte;

  /** When the bytes paid for so far are due. Guarded by {@code this}. */
  private long dueNanos;

  /** Creates a cap of {@code bytesPerSecond}, timed by {@code clock}. */
  public Throttle(long bytesPerSecond, Clock clock) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException(
          "the bandwidth cap must be positive, was " + bytesPerSecond + " bytes per second");
    }
    this.clock = clock;
    this.bytesPerSecond = bytesPerSecond;
    this.nanosPerByte = 1e9 / bytesPerSecond;
    this.dueNanos = clock.nanoTime();
  }

  /** Pays for {@code bytes} just read and waits until the rate allows them. */
  public void pay(int bytes) throws InterruptedException {
    long wait;
    synchronized (this) {
      long now = clock.nanoTime();
      dueNanos = Math.max(dueNanos, now - BURST_NANOS) + (long) (bytes * nanosPerByte);
      wait = dueNanos - now;
    }
    if (wait > 0) {
      clock.sleep(wait);
    }
  }

  /** Returns the cap, in bytes per second. */
  public long bytesPerSecond() {
    return bytesPerSecond;
  }
}
