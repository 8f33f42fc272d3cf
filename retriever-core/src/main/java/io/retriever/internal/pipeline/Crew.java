package io.retriever.internal.pipeline;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one download: its stages (lister, chunker, finishers), counted so that the last
 * one out can end the download, and helpers (progress) that are not. A stage that throws fails the
 * download; an interrupted one cancels it.
 *
 * <p>Concurrency: threads are added before {@link #start}, on the thread that starts the download.
 */
final class Crew {
  /** A stage's body; it may block and be interrupted. */
  interface Body {
    void run() throws Exception;
  }

  private final Threads threads;
  private final Metrics metrics;
  private final Failures failures;
  private final Runnable lastOut;
  private final List<Thread> all = new ArrayList<>();
  private final AtomicInteger live = new AtomicInteger();

  /**
   * @param lastOut called when the last stage thread has stopped
   */
  Crew(Threads threads, Metrics metrics, Failures failures, Runnable lastOut) {
    this.threads = threads;
    this.metrics = metrics;
    this.failures = failures;
    this.lastOut = lastOut;
  }

  /** Adds a stage thread. */
  void stage(String name, Body body) {
    live.incrementAndGet();
    all.add(
        threads.newThread(
            name,
            () -> {
              metrics.countRequestsOnThisThread();
              try {
                body.run();
              } catch (InterruptedException e) {
                failures.cancel();
              } catch (RetrieverException e) {
                failures.fail(e);
              } catch (Exception | Error e) {
                failures.fail(new RetrieverException(Reason.SERVER, name + " failed: " + e, e));
              } finally {
                if (live.decrementAndGet() == 0) {
                  lastOut.run();
                }
              }
            }));
  }

  /** Adds a helper thread, which the end of the download does not wait for; returns it. */
  Thread helper(String name, Runnable body) {
    Thread thread = threads.newThread(name, body);
    all.add(thread);
    return thread;
  }

  void start() {
    all.forEach(Thread::start);
  }

  /** Returns whether a stage thread still runs. */
  boolean running() {
    return live.get() > 0;
  }

  /** Interrupts every thread but the caller. */
  void interrupt() {
    for (Thread thread : all) {
      if (thread != Thread.currentThread()) {
        thread.interrupt();
      }
    }
  }

  /** Waits for every thread but the caller, which are past their last step once it ended. */
  void join() {
    for (Thread thread : all) {
      if (thread != Thread.currentThread()) {
        Waits.join(thread, TimeUnit.SECONDS.toMillis(30));
      }
    }
  }
}
