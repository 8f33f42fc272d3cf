package io.retriever.internal.pipeline;

import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import java.io.IOException;

/**
 * The last stage: where downloaded bytes go. One implementation per way of consuming a download.
 *
 * <p>Concurrency: {@link #open} and {@link #listingDone} run on the chunker thread, one at a time;
 * {@link #failed} on whichever thread saw the failure; {@link #cleanUp} once, after every stage
 * thread has stopped.
 */
public interface Sink {
  /**
   * Prepares for an object the chunker is about to plan, in listing order.
   *
   * @param chunks how many chunks the object has (0 for an empty object)
   * @param firstSequence the download-wide sequence number of its first chunk
   */
  ObjectSink open(ObjectInfo object, int chunks, long firstSequence) throws IOException;

  /** Called after the last object has been opened. */
  default void listingDone() throws InterruptedException {}

  /** Called at once when the download fails, to wake any consumer waiting for bytes. */
  default void failed(RetrieverException failure) {}

  /** Removes what unfinished objects left behind; called once after a failure. */
  default void cleanUp() {}

  /**
   * Returns whether a consumer reads the bytes in order: such a download ends when the consumer has
   * read its last byte, not when the last chunk has arrived.
   */
  default boolean ordered() {
    return false;
  }
}
