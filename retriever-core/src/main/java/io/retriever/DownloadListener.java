package io.retriever;

/**
 * Observes a download. Every method is a no-op by default, so an implementation overrides only what
 * it needs; each says on which thread it runs.
 *
 * <p>A listener that throws fails the download with an error that names it.
 */
public interface DownloadListener {
  /**
   * Receives a snapshot of the download's progress, every progress interval while it runs and once
   * more at its end. Called on the download's progress thread, never concurrently with itself.
   */
  default void progress(ProgressSnapshot snapshot) {}

  /**
   * Called once when an object is completely downloaded (written to its file, or held in memory, or
   * fully buffered for an ordered reader). Called on a downloader thread: calls for different
   * objects may overlap, so implementations must be thread-safe.
   */
  default void objectCompleted(ObjectInfo object) {}

  /**
   * Called once when the download ends well, after the last progress snapshot. Exactly one of this
   * and {@link #downloadFailed} is called for every download. Called on the thread that finishes
   * the download.
   */
  default void downloadCompleted(DownloadSummary summary) {}

  /**
   * Called once when the download fails or is cancelled. Called on the thread that saw the failure.
   */
  default void downloadFailed(RetrieverException error) {}
}
