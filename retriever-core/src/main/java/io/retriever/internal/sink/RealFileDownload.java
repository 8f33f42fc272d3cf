package io.retriever.internal.sink;

import io.retriever.DownloadSummary;
import io.retriever.DownloadedFile;
import io.retriever.FileDownload;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.internal.pipeline.Pipeline;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

/** A download into files, iterable when started to be. */
public final class RealFileDownload extends RealDownload implements FileDownload {
  private final FileSink sink;

  /** The finished files waiting for the iteration, or null when the download is not iterable. */
  private final FinishedFiles finished;

  /** Whether an iteration was handed out. */
  private final AtomicBoolean iterated = new AtomicBoolean();

  public RealFileDownload(Pipeline pipeline, FileSink sink) {
    super(pipeline);
    this.sink = sink;
    this.finished = sink.finished();
  }

  @Override
  public long keptBytes() {
    return sink.kept();
  }

  @Override
  public List<DownloadedFile> files() {
    if (finished != null) {
      throw new IllegalStateException(
          "this download was started with FileOptions.withIterate(true), which keeps no list of"
              + " files: iterate it instead of calling files()");
    }
    await();
    return sink.files();
  }

  /** Waits for the download; from then on, finished files no longer wait for an iteration. */
  @Override
  public DownloadSummary await() {
    if (finished != null) {
      finished.release();
    }
    return super.await();
  }

  @Override
  public void cancel() {
    if (finished != null) {
      finished.release();
    }
    super.cancel();
  }

  @Override
  public void close() {
    if (finished != null) {
      finished.release();
    }
    super.close();
  }

  @Override
  public Iterator<DownloadedFile> iterator() {
    if (finished == null) {
      throw new IllegalStateException(
          "to iterate a download into files, start it with FileOptions.withIterate(true)");
    }
    if (!iterated.compareAndSet(false, true)) {
      throw new IllegalStateException("a download can be iterated once; it already is");
    }
    return new Iterator<>() {
      private DownloadedFile next;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (next != null) {
          return true;
        }
        if (done) {
          return false;
        }
        try {
          next = finished.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          RealFileDownload.this.cancel();
          throw new RetrieverException(Reason.CANCELLED, "interrupted while iterating", e);
        }
        if (next != null) {
          return true;
        }
        done = true;
        pipeline.await(); // Throws the download's failure, as await() would.
        long dropped = finished.dropped();
        if (dropped > 0) {
          throw new IllegalStateException(
              dropped
                  + " finished files were not queued for this iteration because await(),"
                  + " cancel() or close() was called while it ran; iterate to the end first");
        }
        return false;
      }

      @Override
      public DownloadedFile next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        DownloadedFile file = next;
        next = null;
        return file;
      }
    };
  }
}
