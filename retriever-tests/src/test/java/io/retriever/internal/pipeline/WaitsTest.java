package io.retriever.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WaitsTest {
  /** Returns a thread that ends only once {@code joiner} is blocked waiting (for it). */
  private static Thread endsWhenWaitedFor(Thread joiner) {
    Thread t =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
              while (System.nanoTime() < deadline) {
                Thread.State state = joiner.getState();
                if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                  return;
                }
                Thread.onSpinWait();
              }
            },
            "waits-test-target");
    t.setDaemon(true);
    return t;
  }

  @Test
  void join_interruptedCaller_stillWaitsAndKeepsTheInterrupt() {
    Thread target = endsWhenWaitedFor(Thread.currentThread());
    target.start();
    Thread.currentThread().interrupt();
    Waits.join(target, TimeUnit.SECONDS.toMillis(30));
    boolean interrupted = Thread.interrupted();
    assertThat(target.isAlive()).isFalse();
    assertThat(interrupted).isTrue();
  }

  @Test
  void awaitTermination_interruptedCaller_stillWaitsAndKeepsTheInterrupt() {
    Thread caller = Thread.currentThread();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    pool.execute(endsWhenWaitedFor(caller)::run);
    pool.shutdown();
    caller.interrupt();
    Waits.awaitTermination(pool, TimeUnit.SECONDS.toMillis(30));
    boolean interrupted = Thread.interrupted();
    assertThat(pool.isTerminated()).isTrue();
    assertThat(interrupted).isTrue();
  }

  @Test
  void await_interruptedCaller_stillWaitsAndKeepsTheInterrupt() {
    CountDownLatch latch = new CountDownLatch(1);
    Thread caller = Thread.currentThread();
    Thread opener =
        new Thread(
            () -> {
              endsWhenWaitedFor(caller).run();
              latch.countDown();
            },
            "waits-test-opener");
    opener.setDaemon(true);
    opener.start();
    caller.interrupt();
    Waits.await(latch, TimeUnit.SECONDS.toMillis(30));
    boolean interrupted = Thread.interrupted();
    assertThat(latch.getCount()).isZero();
    assertThat(interrupted).isTrue();
  }
}
