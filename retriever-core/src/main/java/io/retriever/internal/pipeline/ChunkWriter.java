package io.retriever.internal.pipeline;

import java.io.IOException;
import java.io.InputStream;

/**
 * Receives one chunk's bytes from a response body. A retry after a broken body continues at the
 * position where the last attempt stopped.
 *
 * <p>Concurrency: used by one downloader worker at a time.
 */
public interface ChunkWriter {
  /**
   * Reads at most {@code max} bytes from {@code body} and places them at {@code position} within
   * the chunk.
   *
   * @return the number of bytes read, or -1 at the end of the body
   */
  int readFrom(InputStream body, int position, int max) throws IOException;

  /** Hands the complete chunk on and releases what the sink no longer needs. Called once. */
  void finish() throws IOException;
}
