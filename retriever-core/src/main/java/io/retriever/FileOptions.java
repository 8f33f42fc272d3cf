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
 *     interrupt), keep the temporary files of large objects and their journals, so that a rerun
 *     with {@code resume} continues them; when false (the default) they are removed. Failures
 *     remove them either way.
 */
public record FileOptions(
    boolean overwrite, boolean keepInMemory, boolean fsync, boolean resume, boolean keepPartial) {
  /** Creates options that remove temporary files when the download is cancelled. */
  public FileOptions(boolean overwrite, boolean keepInMemory, boolean fsync, boolean resume) {
    this(overwrite, keepInMemory, fsync, resume, false);
  }

  /** Returns the defaults: never overwrite, no copy in memory, no fsync, resume. */
  public static FileOptions defaults() {
    return new FileOptions(false, false, false, true, false);
  }

  /** Returns these options with {@code keepPartial} set. */
  public FileOptions withKeepPartial(boolean keepPartial) {
    return new FileOptions(overwrite, keepInMemory, fsync, resume, keepPartial);
  }

  /** Returns these options with {@code overwrite} set. */
  public FileOptions withOverwrite(boolean overwrite) {
    return new FileOptions(overwrite, keepInMemory, fsync, resume, keepPartial);
  }

  /** Returns these options with {@code keepInMemory} set. */
  public FileOptions withKeepInMemory(boolean keepInMemory) {
    return new FileOptions(overwrite, keepInMemory, fsync, resume, keepPartial);
  }

  /** Returns these options with {@code fsync} set. */
  public FileOptions withFsync(boolean fsync) {
    return new FileOptions(overwrite, keepInMemory, fsync, resume, keepPartial);
  }

  /** Returns these options with {@code resume} set. */
  public FileOptions withResume(boolean resume) {
    return new FileOptions(overwrite, keepInMemory, fsync, resume, keepPartial);
  }
}
