package io.retriever;

import java.util.List;

/**
 * A download into files. Each chunk is written at its offset into a temporary file beside the final
 * one as soon as it arrives; the file is renamed into place when all its chunks are there.
 */
public interface FileDownload extends Download {
  /**
   * Waits for the download to finish and returns the files, in listing order.
   *
   * @throws RetrieverException if it failed
   */
  List<DownloadedFile> files();
}
