package io.retriever;

import java.util.List;

/** A download into memory. */
public interface MemoryDownload extends Download {
  /**
   * Waits for the download to finish and returns every object's bytes, in listing order.
   *
   * @throws RetrieverException if it failed
   */
  List<ObjectBytes> objects();
}
