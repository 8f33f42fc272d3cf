package io.retriever;

import java.io.InputStream;

/**
 * A download consumed object by object, in order, each object readable as a stream while later
 * parts of it (and later objects) are still downloading.
 *
 * <pre>{@code
 * try (ObjectDownload download = retriever.objects(DownloadRequest.prefix("bucket", "logs/"))) {
 *   for (ObjectDownload.Item item : download) {
 *     try (InputStream in = item.stream()) { ... }
 *   }
 * }
 * }</pre>
 *
 * <p>Moving to the next object discards what was not read of the previous one. The iterator throws
 * {@link RetrieverException} when the download fails. Iterate on one thread.
 */
public interface ObjectDownload extends Download, Iterable<ObjectDownload.Item> {
  /** One object of the download and its bytes. */
  interface Item {
    /** Returns the object. */
    ObjectInfo object();

    /**
     * Returns the object's bytes, in order. Reads block until the next bytes have arrived and throw
     * an {@link java.io.IOException} wrapping the {@link RetrieverException} if the download fails.
     * Returns the same stream on every call.
     */
    InputStream stream();
  }
}
