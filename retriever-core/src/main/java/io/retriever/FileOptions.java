package io.retriever;

/**
 * How a download writes files.
 *
 * @param overwrite replace files that already exist; when false, an existing file fails the
 *     download and is left as it was
 * @param keepInMemory also keep each object's bytes in memory ({@link DownloadedFile#bytes()})
 * @param fsync force each file's bytes to disk before it is renamed into place
 */
public record FileOptions(boolean overwrite, boolean keepInMemory, boolean fsync) {
  /** Returns the defaults: never overwrite, no copy in memory, no fsync. */
  public static FileOptions defaults() {
    return new FileOptions(false, false, false);
  }

  /** Returns these options with {@code overwrite} set. */
  public FileOptions withOverwrite(boolean overwrite) {
    return new FileOptions(overwrite, keepInMemory, fsync);
  }

  /** Returns these options with {@code keepInMemory} set. */
  public FileOptions withKeepInMemory(boolean keepInMemory) {
    return new FileOptions(overwrite, keepInMemory, fsync);
  }

  /** Returns these options with {@code fsync} set. */
  public FileOptions withFsync(boolean fsync) {
    return new FileOptions(overwrite, keepInMemory, fsync);
  }
}
