package io.retriever;

import io.retriever.event.ChunkCompleted;
import io.retriever.event.ChunkRequested;
import io.retriever.event.ChunkRetried;
import io.retriever.event.ChunksPlanned;
import io.retriever.event.DownloadFailed;
import io.retriever.event.DownloadStarted;
import io.retriever.event.ObjectCompleted;
import io.retriever.event.ObjectFailed;
import io.retriever.event.ObjectListed;
import io.retriever.event.ObjectSkipped;
import io.retriever.event.ObjectStarted;
import io.retriever.event.StoreReachable;
import io.retriever.event.StoreUnreachable;

/**
 * Observes a download, stage by stage. Every method is a no-op by default, so an implementation
 * overrides only what it needs. Each method takes one immutable event and says on which thread it
 * runs and whether calls overlap.
 *
 * <p>Order for one object: {@code objectListed}, then either {@code objectSkipped}, or {@code
 * objectStarted}, {@code chunksPlanned}, per chunk {@code chunkRequested} (and {@code chunkRetried}
 * before each further request) then {@code chunkCompleted}, and finally exactly one of {@code
 * objectCompleted} or {@code objectFailed}. An object can also fail before it starts (a hook threw
 * for it). Around it all: {@code downloadStarted} first, {@code progress} periodically, and exactly
 * one of {@code downloadCompleted} or {@code downloadFailed} last.
 *
 * <p>A listener that throws fails the object the event is about (or the whole download, with {@link
 * HookFailure#FAIL_DOWNLOAD}); a throw from a download-wide event fails the download. The error is
 * a {@link HookException} that names the listener and the method. Throws from {@code objectFailed}
 * and {@code downloadFailed} are logged and attached to the error as suppressed.
 */
public interface DownloadListener {
  /** Called once, first, on the thread that started the download. */
  default void downloadStarted(DownloadStarted event) {}

  /** Called for each listed object, in listing order, on the lister thread (never overlapping). */
  default void objectListed(ObjectListed event) {}

  /** Called for each object that is not downloaded, on the lister thread (never overlapping). */
  default void objectSkipped(ObjectSkipped event) {}

  /** Called when an object's download begins, on the chunker thread (never overlapping). */
  default void objectStarted(ObjectStarted event) {}

  /** Called once an object is split into chunks, on the chunker thread (never overlapping). */
  default void chunksPlanned(ChunksPlanned event) {}

  /**
   * Called before each GET of a chunk, on a downloader worker. Workers call it at once for
   * different chunks: implementations must be thread-safe.
   */
  default void chunkRequested(ChunkRequested event) {}

  /**
   * Called when an attempt at a chunk failed and will be retried, on a downloader worker,
   * concurrently with other workers.
   */
  default void chunkRetried(ChunkRetried event) {}

  /**
   * Called once when the store, which had answered before, stops answering and the download starts
   * riding through the outage, on the thread whose request failed first (a downloader worker or a
   * lister), concurrently with other workers.
   */
  default void storeUnreachable(StoreUnreachable event) {}

  /**
   * Called once when the store answers again after a {@code storeUnreachable}, on the thread that
   * got the answer, concurrently with other workers.
   */
  default void storeReachable(StoreReachable event) {}

  /**
   * Called when a chunk's bytes are all in, on a downloader worker, concurrently with other
   * workers.
   */
  default void chunkCompleted(ChunkCompleted event) {}

  /**
   * Called once when an object is completely downloaded, checked and in place (after its
   * post-download hooks), on one of the download's finisher threads. Calls for different objects
   * may overlap.
   */
  default void objectCompleted(ObjectCompleted event) {}

  /**
   * Called once when an object fails, on the thread that saw the failure. Calls for different
   * objects may overlap.
   */
  default void objectFailed(ObjectFailed event) {}

  /**
   * Receives a snapshot of the download's progress, every progress interval while it runs and once
   * more at its end. Called on the download's progress thread (the last one on the thread that ends
   * the download), never overlapping.
   */
  default void progress(ProgressSnapshot snapshot) {}

  /**
   * Called once when the download ends with every object delivered or skipped, after the last
   * progress snapshot, on the thread that ends the download.
   */
  default void downloadCompleted(DownloadSummary summary) {}

  /**
   * Called once when the download fails, is cancelled, or ends with failed objects, on the thread
   * that ends the download.
   */
  default void downloadFailed(DownloadFailed event) {}
}
