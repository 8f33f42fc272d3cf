package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.hook.ChunkLayout;
import io.retriever.hook.DownloadedObject;
import io.retriever.internal.flow.Budget;
import io.retriever.internal.verify.ObjectCheck;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where one object's chunks go.
 *
 * <p>Concurrency: {@link #writer} and {@link #chunkFinished} are called by downloader workers, for
 * different chunks at once; {@link #complete} or {@link #discard} once, by the thread that finished
 * the last chunk; {@link #revoke} at most once, after {@link #complete}.
 */
public abstract class ObjectSink {
  private final ObjectInfo object;

  /** How the object is cut into chunks. */
  private final ChunkLayout layout;

  /** Chunks not yet finished. */
  private final AtomicInteger remaining;

  /** Why the object failed, or null. */
  private final AtomicReference<RetrieverException> failure = new AtomicReference<>();

  /** When the chunker started the object, on the download's clock. */
  private long startNanos;

  /** The local file its bytes are read from instead of S3, or null. */
  private volatile Path localSource;

  /** What checking the object as a whole needs while its chunks download. */
  private final ObjectCheck check = new ObjectCheck();

  /** What the chunker planned for the object; null for sinks not opened by the chunker. */
  private PlannedObject planned;

  /** Which fetch of the object this is, from 1. */
  private int attempt = 1;

  protected ObjectSink(ObjectInfo object, ChunkLayout layout) {
    this.object = object;
    this.layout = layout;
    this.remaining = new AtomicInteger(layout.count());
  }

  /** Returns the object. */
  public final ObjectInfo object() {
    return object;
  }

  /** Returns how the object is cut into chunks: where each starts and how long it is. */
  public final ChunkLayout layout() {
    return layout;
  }

  /**
   * Returns a writer for one chunk, holding {@code sequence} as its place in the download. The
   * writer owns {@code lease} from {@link ChunkWriter#finish} on, and releases it when the chunk's
   * bytes are written or read; before that, the caller releases it if the chunk never arrives.
   */
  public abstract ChunkWriter writer(ChunkTask task, long sequence, Budget.Lease lease);

  /** Records a finished chunk; returns true when it was the object's last. */
  final boolean chunkFinished() {
    return remaining.decrementAndGet() == 0;
  }

  /** Marks chunks as already finished before the download, for a resumed object. */
  protected final void alreadyFinished(int chunks) {
    remaining.addAndGet(-chunks);
  }

  /**
   * Reads back bytes of the object as written so far, from {@code position} into {@code into}, for
   * checks that need the whole object in order; returns how many were read.
   *
   * @throws UnsupportedOperationException when {@link #canReadBack} is false
   */
  public int readBack(long position, ByteBuffer into) throws IOException {
    throw new UnsupportedOperationException("this sink cannot read its bytes back");
  }

  /** Returns whether {@link #readBack} can read the object's bytes back. */
  public boolean canReadBack() {
    return false;
  }

  /** Returns whether chunk {@code index} is already on disk from an interrupted download. */
  public boolean resumed(int index) {
    return false;
  }

  /**
   * Returns how many of chunk {@code index}'s first bytes are already on disk from an interrupted
   * download, when the chunk is there part-way (0 when it is not, or is there whole).
   */
  public long resumedWithin(int index) {
    return 0;
  }

  /** Returns how many of the object's bytes are already on disk from an interrupted download. */
  public long resumedBytes() {
    return 0;
  }

  /** Returns whether an interrupted download of an older version was found and discarded. */
  public boolean restarted() {
    return false;
  }

  /** Returns the file the object is written to, or null. */
  public Path target() {
    return null;
  }

  /** Makes the finished object visible: renames its file into place, or keeps its bytes. */
  public abstract void complete() throws IOException;

  /** Removes what an object that failed before completion left behind. */
  public void discard() {}

  /**
   * Ends an object that failed alone with {@code error}: like {@link #discard}, unless the sink
   * keeps what a failure fetched for a rerun.
   */
  public void giveUp(RetrieverException error) {
    discard();
  }

  /** Takes a completed object back after a post-download hook failed it. */
  public void revoke() {}

  /** Returns the completed object as post-download hooks see it. */
  public DownloadedObject result() {
    return new DownloadedObject(object, target(), null, localSource != null);
  }

  /** Records why the object failed; the first failure wins. */
  final void markFailed(RetrieverException error) {
    failure.compareAndSet(null, error);
  }

  /** Returns why the object failed, or null. */
  public final RetrieverException failure() {
    return failure.get();
  }

  final long startNanos() {
    return startNanos;
  }

  /**
   * Records what the chunker planned for the object, which fetch of it this is and when it started.
   */
  final void origin(PlannedObject planned, int attempt, long startNanos) {
    this.planned = planned;
    this.attempt = attempt;
    this.startNanos = startNanos;
  }

  /** Returns what the chunker planned for the object. */
  final PlannedObject planned() {
    return planned;
  }

  /** Returns which fetch of the object this is, from 1. */
  final int attempt() {
    return attempt;
  }

  /** Returns what checking the object as a whole needs while its chunks download. */
  public final ObjectCheck check() {
    return check;
  }

  final void localSource(Path source) {
    this.localSource = source;
  }

  /** Returns the local file its bytes are read from instead of S3, or null. */
  public final Path localSource() {
    return localSource;
  }
}
