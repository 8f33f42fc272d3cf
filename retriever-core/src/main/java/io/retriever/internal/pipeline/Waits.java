package io.retriever.internal.pipeline;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Waits for threads to stop (or a download to end) even when the waiting thread has been
 * interrupted.
 *
 * <p>A stage thread that ends a download has often been interrupted by the failure that ended it; a
 * plain {@code join} or {@code awaitTermination} then returns at once and leaves helper threads
 * running after the download reports that it has stopped. These waits keep waiting until the
 * deadline, then restore the interrupt flag for the caller.
 */
public final class Waits {
  private Waits() {}

  /** Waits up to {@code millis} for {@code thread} to die, ignoring interrupts until then. */
  static void join(Thread thread, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    boolean interrupted = false;
    try {
      while (thread.isAlive()) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return;
        }
        try {
          thread.join(left);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits up to {@code millis} for {@code latch} to open, ignoring interrupts until then. */
  static void await(CountDownLatch latch, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    boolean interrupted = false;
    try {
      while (latch.getCount() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          latch.await(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits up to {@code millis} for {@code pool} to terminate, ignoring interrupts until then. */
  public static void awaitTermination(ExecutorService pool, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    boolean interrupted = false;
    try {
      while (!pool.isTerminated()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          pool.awaitTermination(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
