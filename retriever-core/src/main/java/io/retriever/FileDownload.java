package io.retriever;

import java.util.Iterator;
import java.util.List;

/**
 * A download into files. Each chunk is written at its offset into a temporary file beside the final
 * one as soon as it arrives; the file is renamed into place when all its chunks are there.
 *
 * <p>Started with {@link FileOptions#withIterate(boolean) FileOptions.withIterate(true)}, it can be
 * iterated while it runs, each file as soon as it is final:
 *
 * <pre>{@code
 * try (FileDownload download =
 *     retriever.toDirectory(request, dir, FileOptions.defaults().withIterate(true))) {
 *   for (DownloadedFile file : download) {
 *     process(file.path()); // while later files still download
 *   }
 * }
 * }</pre>
 */
public interface FileDownload extends Download, Iterable<DownloadedFile> {
  /** How many finished files at most wait for an iteration before the download waits for it. */
  int FINISHED_QUEUE = 256;

  /**
   * Waits for the download to finish and returns the files, in listing order.
   *
   * @throws RetrieverException if it failed
   * @throws IllegalStateException if the download was started to be iterated: it keeps no list then
   */
  List<DownloadedFile> files();

  /**
   * Returns the bytes that a download which failed or was cancelled kept in the temporary files of
   * unfinished objects, with their journals, so that a rerun fetches only the rest; 0 while it
   * runs, after a success, or when nothing was kept. A failure keeps them as a cancellation does
   * (with {@link FileOptions#resume()} and {@link FileOptions#keepPartial()}), except when the
   * bytes proved wrong or the disk is full.
   */
  long keptBytes();

  /**
   * Returns the files of this download one by one, each as soon as it is final: renamed into place
   * after its checks, its post-download hooks and its {@code objectCompleted} listeners passed. A
   * file that fails is not returned. The order is that of completion, not of listing. A file the
   * download skips (already up to date) is not returned.
   *
   * <p>{@code hasNext()} waits for the next file; at the end of the download it returns false, or
   * throws what {@link #await()} would throw ({@link IncompleteDownloadException} when some objects
   * failed). Interrupting the waiting thread cancels the download.
   *
   * <p>An iteration that stops early holds the download back once {@value #FINISHED_QUEUE} files
   * wait: end the download with {@code close()} or {@code cancel()}, or call {@code await()}, after
   * which finished files are no longer queued (and an iteration continued anyway fails at its end
   * with an {@link IllegalStateException}, rather than silently missing them).
   *
   * <p>Concurrency: one iteration per download, used by one thread at a time.
   *
   * @throws IllegalStateException if the download was not started with {@link
   *     FileOptions#iterate()}, or is already being iterated
   */
  @Override
  Iterator<DownloadedFile> iterator();
}
