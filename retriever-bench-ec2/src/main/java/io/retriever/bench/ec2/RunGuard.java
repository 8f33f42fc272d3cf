package io.retriever.bench.ec2;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;

/**
 * Whether a run was stopped: every stage checks it before it creates something, and removes what it
 * created when teardown has begun and no longer sees it.
 *
 * <p>Thread safety: {@link #abort} from any thread; the checks from the stages' threads.
 */
final class RunGuard {
  /** Set once by {@link #abort}; read by every stage before it creates something. */
  private volatile boolean aborted;

  /** Makes every later check stop the run. */
  void abort() {
    aborted = true;
  }

  /** Stops the run when {@link #abort} was called. */
  void checkNotAborted() {
    if (aborted) {
      throw new RetrieverException(Reason.CANCELLED, "the run was stopped");
    }
  }

  /**
   * Stops when what was just created could not be recorded because teardown has begun, removing it
   * first: teardown no longer sees it.
   */
  void record(boolean recorded, Runnable remove) {
    if (!recorded) {
      remove.run();
      throw new RetrieverException(Reason.CANCELLED, "the run was stopped");
    }
  }
}
