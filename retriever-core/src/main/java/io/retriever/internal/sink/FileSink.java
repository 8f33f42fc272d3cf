package io.retriever.internal.sink;

import io.retriever.DownloadListener;
import io.retriever.DownloadedFile;
import io.retriever.FileDownload;
import io.retriever.FileOptions;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.hook.ChunkLayout;
import io.retriever.hook.ObjectInterceptor;
import io.retriever.internal.pipeline.ObjectSink;
import io.retriever.internal.pipeline.RefusedKey;
import io.retriever.internal.pipeline.Sink;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;

/**
 * The sink that writes files: each object goes to a temporary file beside its final name, each
 * chunk written at its offset as it arrives (no reordering), and the file is renamed into place
 * when its last chunk is in. After a failure, every temporary file is removed; files already
 * renamed are complete and stay. After a cancellation, with {@link FileOptions#keepPartial()}, the
 * temporary files a rerun can continue stay too.
 *
 * <p>Each temporary file has a name of its own and is locked by its writer (see {@link PartFiles}),
 * so two downloads into one directory never write one file; it is created when its object's first
 * chunk is requested.
 *
 * <p>Resume: a completed file carries a mark of the object version it holds, and files that hold
 * the listed version are skipped ({@link UpToDate}). A large object's temporary file has a journal
 * beside it that lists the chunks already written, and how far the chunks being written got, so
 * that after a crash (nothing removes them then) a rerun takes the file over and fetches only the
 * rest, or starts over when the object has changed since.
 *
 * <p>Iteration: with {@link FileOptions#iterate()}, finished files go to {@link FinishedFiles}, a
 * bounded queue the user's iteration takes them from, instead of a list of every file.
 *
 * <p>Concurrency: the chunker opens objects ({@link FileObject}); workers write different ranges of
 * a file at once through positional writes; the worker that finishes an object's last chunk renames
 * it.
 */
public final class FileSink implements Sink {
  private final Function<ObjectInfo, Path> target;
  private final FileOptions options;

  /** Where files may go; checks and creates their directories. */
  private final Destination destination;

  /** What complete files get; only the chunker thread uses it. */
  private final FilePermissions permissions = new FilePermissions();

  /** Objects whose temporary file exists and is not yet renamed. */
  private final Set<FileObject> unfinished = ConcurrentHashMap.newKeySet();

  /** Completed files by listing position, unless the download is iterated. */
  private final ConcurrentSkipListMap<Integer, DownloadedFile> done = new ConcurrentSkipListMap<>();

  /** Objects opened so far; only the chunker thread writes it. */
  private int opened;

  /** Finds what interrupted downloads left; only the chunker thread uses it. */
  private final PartFiles partFiles = new PartFiles();

  /** The finished files an iteration takes, or null when the download is not iterated. */
  private final FinishedFiles finished;

  /** Whether the download's failure lets unfinished objects keep what they fetched. */
  private volatile boolean keepable;

  /** Bytes kept for a rerun by the clean-up. */
  private volatile long kept;

  /** Bytes kept for a rerun by objects that failed alone. */
  private final java.util.concurrent.atomic.AtomicLong keptAlone =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param root the directory no file may be written outside of
   * @param target maps each object to its final path
   */
  public FileSink(Path root, Function<ObjectInfo, Path> target, FileOptions options) {
    this.destination = new Destination(root);
    this.target = target;
    this.options = options;
    this.finished = options.iterate() ? new FinishedFiles(FileDownload.FINISHED_QUEUE) : null;
  }

  /**
   * Returns the listener that hands finished files to the iteration, which the download must tell
   * last, after the user's listeners; null when the download is not iterated.
   */
  public DownloadListener listener() {
    return finished;
  }

  FinishedFiles finished() {
    return finished;
  }

  @Override
  public Path target(ObjectInfo object) {
    try {
      return target.apply(object);
    } catch (RefusedKey e) {
      return null; // open() refuses it, and the object fails alone.
    }
  }

  @Override
  public Path folder(ObjectInfo marker, ObjectInfo directory) {
    return destination.folder(marker, target.apply(directory));
  }

  @Override
  public ObjectInterceptor interceptor() {
    return options.resume() ? UpToDate.INSTANCE : null;
  }

  @Override
  public ObjectSink open(ObjectInfo object, Path target, ChunkLayout layout, long firstSequence)
      throws IOException {
    Path path =
        destination.checkFile(
            object, target != null ? target : this.target.apply(object), options.overwrite());
    byte[] bytes = options.keepInMemory() ? MemorySink.allocate(object) : null;
    destination.makeDirectory(object, path);
    // The file itself is created when its first chunk is requested, so that an object only
    // planned when the download stops leaves nothing behind.
    FileObject file =
        new FileObject(
            this, object, layout, path, bytes, opened++, permissions.forComplete(path.getParent()));
    unfinished.add(file);
    destination.opened(path);
    try {
      file.resumeLeftovers(partFiles);
    } catch (IOException e) {
      throw Destination.cannotWrite(object, path.getParent(), e);
    }
    return file;
  }

  /**
   * Creates {@code directory} and its parents if they are missing.
   *
   * @throws RetrieverException that says why it cannot be done and what to do
   */
  public static void createDirectories(Path directory) {
    Destination.createDirectories(directory);
  }

  FileOptions options() {
    return options;
  }

  /** Records a file renamed into place: in the list, or for the iteration. */
  void completed(FileObject file) {
    unfinished.remove(file);
    DownloadedFile result = new DownloadedFile(file.object(), file.target(), file.bytes());
    if (finished != null) {
      finished.completed(result);
    } else {
      done.put(file.ordinal(), result);
    }
  }

  /** Forgets an object whose temporary file was removed or kept for a rerun. */
  void forget(FileObject file) {
    unfinished.remove(file);
  }

  /** Forgets a completed file that a post-download hook failed. */
  void revoked(FileObject file) {
    if (finished != null) {
      finished.revoked(file.target());
    } else {
      done.remove(file.ordinal());
    }
  }

  @Override
  public void failed(RetrieverException failure) {
    keepable = keepsProgress(failure);
    if (finished != null) {
      finished.release(); // Its workers must not wait for an iteration now.
    }
  }

  /**
   * Returns whether a download that failed this way keeps what it fetched: unless its bytes proved
   * wrong, or the disk is full (then keeping would hold the space the failure needs).
   */
  static boolean keepsProgress(RetrieverException failure) {
    return failure.reason() != Reason.CORRUPT
        && failure.reason() != Reason.CHANGED
        && failure.reason() != Reason.NOT_FOUND
        && !outOfSpace(failure);
  }

  /** Returns whether an object that failed alone with {@code error} keeps its temporary file. */
  boolean keeps(RetrieverException error) {
    return keepsProgress(error) && options.keepPartial() && options.resume();
  }

  /** Counts bytes an object that failed alone kept for a rerun. */
  void keptAlone(long bytes) {
    keptAlone.addAndGet(bytes);
  }

  /** Returns whether a failure came from a full disk or an exhausted quota. */
  public static boolean outOfSpace(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      if (message != null
          && (message.contains("No space left on device")
              || message.contains("Disk quota exceeded")
              || message.contains("File too large"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Removes the temporary files of unfinished objects; when the failure allows it and the options
   * say so, keeps those a rerun can continue (with their journals) instead, as Ctrl-C does.
   */
  @Override
  public void cleanUp() {
    boolean keep = keepable && options.keepPartial() && options.resume();

    long bytes = 0;
    for (FileObject file : List.copyOf(unfinished)) {
      if (keep) {
        bytes += file.keep();
      } else {
        file.discard();
      }
    }
    kept = bytes;
  }

  /** Returns the bytes the temporary files kept for a rerun hold, once the clean-up ran. */
  public long kept() {
    return kept + keptAlone.get();
  }

  /** Returns the completed files in listing order. */
  public List<DownloadedFile> files() {
    return List.copyOf(done.values());
  }
}
