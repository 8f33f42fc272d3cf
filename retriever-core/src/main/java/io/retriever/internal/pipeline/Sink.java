package io.retriever.internal.pipeline;

import io.retriever.DownloadListener;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.hook.ChunkLayout;
import io.retriever.hook.ObjectInterceptor;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The last stage: where downloaded bytes go. One implementation per way of consuming a download.
 *
 * <p>Concurrency: {@link #target} and {@link #interceptor} on the lister thread; {@link #open} and
 * {@link #listingDone} on the chunker thread, one at a time; {@link #failed} on whichever thread
 * saw the failure; {@link #cleanUp} once, after every stage thread has stopped.
 */
public interface Sink {
  /**
   * Prepares for an object the chunker is about to plan, in listing order.
   *
   * @param target the file to write, as the interceptors decided, or null when not writing files
   * @param layout how the object is cut into chunks (none for an empty object)
   * @param firstSequence the download-wide sequence number of its first chunk
   */
  ObjectSink open(ObjectInfo object, Path target, ChunkLayout layout, long firstSequence)
      throws IOException;

  /** Returns where an object lands by default, or null when this sink writes no files. */
  default Path target(ObjectInfo object) {
    return null;
  }

  /**
   * Returns the sink's own decision for an object, run after the user's interceptors (a file sink
   * skips files already up to date), or null.
   */
  default ObjectInterceptor interceptor() {
    return null;
  }

  /**
   * Keeps a folder marker (a key ending in {@code /}, as consoles create) the built-in lister
   * found: a sink that writes files makes it an empty directory and returns it; others keep nothing
   * and return null. Called on the lister thread.
   *
   * @param directory the marker as the object its directory would be if it were a file: its key
   *     without the final {@code /}
   * @throws RefusedKey naming the key, if no directory can be made for it here
   */
  default Path folder(ObjectInfo marker, ObjectInfo directory) {
    return null;
  }

  /**
   * Returns the sink's own listener, told after the user's (so that what it sees has passed every
   * hook), or null. It may block in {@code objectCompleted} to hold the download back; {@link
   * #failed} must release it.
   */
  default DownloadListener listener() {
    return null;
  }

  /** Called after the last object has been opened. */
  default void listingDone() throws InterruptedException {}

  /** Called at once when the download fails, to wake any consumer waiting for bytes. */
  default void failed(RetrieverException failure) {}

  /** Removes what unfinished objects left behind; called once after a failure. */
  default void cleanUp() {}

  /**
   * Returns whether a consumer reads the bytes in order: such a download ends when the consumer has
   * read its last byte, not when the last chunk has arrived, and any failed object fails it.
   */
  default boolean ordered() {
    return false;
  }
}
