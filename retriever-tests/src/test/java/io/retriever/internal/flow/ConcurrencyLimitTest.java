package io.retriever.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {
  /** How long a test waits for another thread before it fails. */
  private static final long WAIT_SECONDS = 30;

  private final ExecutorService worker = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopWorker() throws InterruptedException {
    worker.shutdownNow();
    assertThat(worker.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  /** Waits, bounded, until {@code count} workers wait on the limit. */
  private static void awaitWaiting(ConcurrencyLimit limit, int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (limit.waiting() != count) {
      assertThat(System.nanoTime()).as("%s workers waiting", count).isLessThan(deadline);
      Thread.yield();
    }
  }

  /** Returns a task that acquires a fetch from {@code limit}, waiting as long as it must. */
  private static Callable<Void> acquiring(ConcurrencyLimit limit) {
    return () -> {
      limit.acquire();
      return null;
    };
  }

  @Test
  void constructor_initialOutOfRange_keptBetweenOneAndMax() {
    assertThat(new ConcurrencyLimit(0, 4).get()).isEqualTo(1);
    assertThat(new ConcurrencyLimit(10, 4).get()).isEqualTo(4);
    assertThat(new ConcurrencyLimit(3, 4).get()).isEqualTo(3);
  }

  @Test
  void constructor_noWorkers_throws() {
    assertThatThrownBy(() -> new ConcurrencyLimit(1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }

  @Test
  void set_outOfRange_returnsWhatWasSet() {
    ConcurrencyLimit limit = new ConcurrencyLimit(2, 8);
    assertThat(limit.set(100)).isEqualTo(8);
    assertThat(limit.get()).isEqualTo(8);
    assertThat(limit.set(0)).isEqualTo(1);
    assertThat(limit.set(-5)).isEqualTo(1);
    assertThat(limit.set(5)).isEqualTo(5);
    assertThat(limit.get()).isEqualTo(5);
  }

  @Test
  void tryAcquire_atTheLimit_refuses() {
    ConcurrencyLimit limit = new ConcurrencyLimit(2, 8);
    assertThat(limit.tryAcquire()).isTrue();
    assertThat(limit.tryAcquire()).isTrue();
    assertThat(limit.tryAcquire()).isFalse();
    assertThat(limit.active()).isEqualTo(2);
  }

  @Test
  void set_lowered_takesEffectAsFetchesFinish() throws Exception {
    ConcurrencyLimit limit = new ConcurrencyLimit(3, 8);
    for (int i = 0; i < 3; i++) {
      limit.acquire();
    }
    limit.set(1);
    // Nothing running is stopped; new fetches wait until fewer than one run.
    assertThat(limit.active()).isEqualTo(3);
    limit.release();
    assertThat(limit.tryAcquire()).isFalse();
    limit.release();
    assertThat(limit.tryAcquire()).isFalse();
    limit.release();
    assertThat(limit.tryAcquire()).isTrue();
    assertThat(limit.tryAcquire()).isFalse();
  }

  @Test
  void acquire_atTheLimit_wakesOnRelease() throws Exception {
    ConcurrencyLimit limit = new ConcurrencyLimit(1, 4);
    limit.acquire();
    Future<?> waiter = worker.submit(acquiring(limit));
    awaitWaiting(limit, 1);
    assertThat(waiter.isDone()).isFalse();

    limit.release();

    waiter.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(limit.active()).isEqualTo(1);
  }

  @Test
  void set_raised_wakesAWaiter() throws Exception {
    ConcurrencyLimit limit = new ConcurrencyLimit(1, 4);
    limit.acquire();
    Future<?> waiter = worker.submit(acquiring(limit));
    awaitWaiting(limit, 1);

    limit.set(2);

    waiter.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(limit.active()).isEqualTo(2);
  }

  @Test
  void acquire_interruptedWhileWaiting_throwsAndCountsNothing() throws Exception {
    ConcurrencyLimit limit = new ConcurrencyLimit(1, 4);
    limit.acquire();
    Future<?> waiter = worker.submit(acquiring(limit));
    awaitWaiting(limit, 1);

    waiter.cancel(true);

    // The pool's thread is free again only once the interrupted acquire has returned.
    worker.submit(() -> {}).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(limit.active()).isEqualTo(1);
    assertThat(limit.waiting()).isZero();
  }

  @Test
  void release_withoutAcquire_throws() {
    ConcurrencyLimit limit = new ConcurrencyLimit(1, 4);
    assertThatThrownBy(limit::release)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("never acquired");
  }
}
