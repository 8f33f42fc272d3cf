package io.retriever;

/**
 * A running download. Closing it cancels it if it is still running and waits for its threads to
 * stop; temporary files of unfinished objects are removed.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public interface Download extends AutoCloseable {
  /**
   * Waits for the download to finish and returns its summary.
   *
   * @throws RetrieverException if it failed or was cancelled; the message names the object
   */
  DownloadSummary await();

  /** Returns where the download stands now. */
  ProgressSnapshot progress();

  /** Stops the download: running requests are aborted and no new ones start. */
  void cancel();

  /** Cancels the download if it is still running and waits for its threads to stop. */
  @Override
  void close();
}
