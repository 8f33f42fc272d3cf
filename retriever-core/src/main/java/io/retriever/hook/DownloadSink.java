package io.retriever.hook;

import io.retriever.Chunk;
import io.retriever.ObjectInfo;

/**
 * Replaces the sink stage: receives every chunk as it arrives, in no particular order, for a
 * destination Retriever does not know (another store, a database, a socket). Used by {@code
 * Retriever.download(request)}.
 *
 * <p>Threads: {@link #objectStarted} on the chunker thread, in download order; {@link #accept} on
 * downloader workers, many chunks at once (thread-safe, please); {@link #objectCompleted} and
 * {@link #objectFailed} once per started object, on the thread that finished it.
 */
public interface DownloadSink {
  /** Prepares for an object, before any of its chunks. */
  default void objectStarted(ObjectInfo object) throws Exception {}

  /** Takes one chunk; its buffer is valid only during the call. */
  void accept(Chunk chunk) throws Exception;

  /** All of the object's chunks have been accepted. */
  default void objectCompleted(ObjectInfo object) throws Exception {}

  /** The object failed after it started: forget what was accepted of it. */
  default void objectFailed(ObjectInfo object, Throwable error) {}
}
