package io.retriever.internal.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

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

  /**
   * Takes the chunk's bytes whole from a buffer (when interceptors have buffered it), instead of
   * through {@link #readFrom}.
   */
  default void write(ByteBuffer data) throws IOException {
    InputStream in =
        new InputStream() {
          @Override
          public int read() {
            return data.hasRemaining() ? data.get() & 0xff : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (!data.hasRemaining()) {
              return -1;
            }
            int n = Math.min(len, data.remaining());
            data.get(b, off, n);
            return n;
          }
        };
    for (int position = 0, length = data.remaining(); position < length; ) {
      int n = readFrom(in, position, length - position);
      if (n < 0) {
        throw new IOException("buffered chunk ended after " + position + " bytes");
      }
      position += n;
    }
  }

  /** Hands the complete chunk on and releases what the sink no longer needs. Called once. */
  void finish() throws IOException;
}
