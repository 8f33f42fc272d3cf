package io.retriever.bench.ec2;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Whether a run was stopped, and the steps that create or change something in AWS: every step
 * checks first, and {@link #abort} waits for the steps under way to end before teardown begins, so
 * teardown never reads a resource while a step is still changing it (a policy put on a role after
 * teardown listed the role's policies would keep the role from being deleted).
 *
 * <p>Thread safety: {@link #abort} from any thread; the steps from the stages' threads, several at
 * once (instances are launched in parallel).
 */
final class RunGuard {
  /** Set once by {@link #abort}; read by every step before it creates something. */
  private volatile boolean aborted;

  /** Held shared by each step under way, exclusively by {@link #abort} while it waits for them. */
  private final ReentrantReadWriteLock steps = new ReentrantReadWriteLock();

  /**
   * Makes every later step stop the run, and waits at most {@code wait} for the steps under way to
   * end; returns whether they did.
   */
  boolean abort(Duration wait) {
    aborted = true;
    try {
      if (steps.writeLock().tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        steps.writeLock().unlock();
        return true;
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Returns whether {@link #abort} was called. */
  boolean aborted() {
    return aborted;
  }

  /** Stops the run when {@link #abort} was called. */
  void checkNotAborted() {
    if (aborted) {
      throw new RetrieverException(Reason.CANCELLED, "the run was stopped");
    }
  }

  /** Runs one step that creates or changes something, unless the run was stopped. */
  <T> T step(Supplier<T> step) {
    steps.readLock().lock();
    try {
      checkNotAborted();
      return step.get();
    } finally {
      steps.readLock().unlock();
    }
  }

  /** Runs one step that creates or changes something, unless the run was stopped. */
  void step(Runnable step) {
    step(
        () -> {
          step.run();
          return null;
        });
  }

  /**
   * Stops when what was just created could not be recorded because teardown has begun, removing it
   * first: teardown no longer sees it. (Teardown begins during a step only when {@link #abort} gave
   * up waiting for it.)
   */
  void record(boolean recorded, Runnable remove) {
    if (!recorded) {
      remove.run();
      throw new RetrieverException(Reason.CANCELLED, "the run was stopped");
    }
  }
}
