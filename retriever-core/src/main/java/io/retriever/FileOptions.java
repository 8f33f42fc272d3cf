package io.retriever;

/**
 * How a download writes files.
 *
 * @param overwrite replace files that already exist; when false, an existing file fails the
 *     download and is left as it was (except one Retriever wrote itself from an older version of
 *     the same object, unchanged since, which is replaced)
 * @param keepInMemory also keep each object's bytes in memory ({@link DownloadedFile#bytes()})
 * @param fsync force each file's bytes to disk before it is renamed into place
 * @param resume continue where an interrupted download stopped: files already holding the listed
 *     version of their object are skipped, and a large object's chunks already in its temporary
 *     file (recorded in a journal beside it) are not fetched again
 * @param keepPartial when the download is cancelled ({@code cancel()}, {@code close()}, an
 *     interrupt) or fails, keep the temporary files of large objects and their journals, so that a
 *     rerun with {@code resume} continues them ({@code FileDownload.keptBytes()} says how much they
 *     hold); when false (the default) they are removed. A failure removes them anyway when the
 *     bytes proved wrong, the object changed or vanished, or the disk is full.
 * @param iterate make the download iterable ({@link FileDownload#iterator()}): each file is handed
 *     to the iteration as soon as it is final, while later ones still download. At most {@value
 *     FileDownload#FINISHED_QUEUE} finished files wait for the iteration; when that many wait, the
 *     download waits too, until the iteration takes one or the user stops iterating ({@code
 *     await()}, {@code cancel()}, {@code close()}). With it, {@link FileDownload#files()} keeps no
 *     list; without it, the download cannot be iterated.
 */
public record FileOptions(
    boolean overwrite,
    boolean keepInMemory,
    boolean fsync,
    boolean resume,
    boolean keepPartial,
    boolean iterate) {
  /** Creates options for a download that cannot be iterated. */
  public FileOptions(
      boolean overwrite, boolean keepInMemory, boolean fsync, boolean resume, boolean keepPartial) {
    this(overwrite, keepInMemory, fsync, resume, keepPartial, false);
  }

  /** Creates options that remove temporary files when the download is cancelled. */
  public FileOptions(boolean overwrite, boolean keepInMemory, boolean fsync, boolean resume) {
    this(overwrite, keepInMemory, fsync, resume, false, false);
  }

  /** Returns the defaults: never overwrite, no copy in memory, no fsync, resume, no iteration. */
  public static FileOptions defaults() {
    return new FileOptions(false, false, false, true, false, false);
  }

  /** Returns these options with {@code keepPartial} set. */
  public FileOptions withKeepPartial(boolean keepPartial) {
    return new FileOptions(overwrite, keepInMemory, fsync, resume, keepPartial, iterate);
  }

  /** Returns these options with {@code overwrite} set. */
  public FileOptions withOverwrite(boolean overwrite) {
    return new FileOptions(overwrite, keepInMemory, fsync, resume, keepPartial, iterate);
  }

  /** Returns these options with {@code keepInMemory} set. */
  public FileOptions withKeepInMemory(boolean keepInMemory) {
    return new FileOptions(overwrite, keepInMemory, fsync, resume, keepPartial, iterate);
  }

  /** Returns these options with {@code fsync} set. */
  public FileOptions withFsync(boolean fsync) {
    return new FileOptions(overwrite, keepInMemory, fsync, resume, keepPartial, iterate);
  }

  /** Returns these options with {@code resume} set. */
  public FileOptions withResume(boolean resume) {
    return new FileOptions(overwrite, keepInMemory, fsync, resume, keepPartial, iterate);
  }

  /** Returns these options with {@code iterate} set. */
  public FileOptions withIterate(boolean iterate) {
    return new FileOptions(overwrite, keepInMemory, fsync, resume, keepPartial, iterate);
  }
}
