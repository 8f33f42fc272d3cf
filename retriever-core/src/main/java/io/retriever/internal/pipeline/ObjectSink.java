package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.hook.DownloadedObject;
import io.retriever.internal.s3.S3Access;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
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

  /** Chunks not yet finished. */
  private final AtomicInteger remaining;

  /** Why the object failed, or null. */
  private final AtomicReference<RetrieverException> failure = new AtomicReference<>();

  /** When the chunker started the object. */
  private final long startNanos = System.nanoTime();

  /** The local file its bytes are read from instead of S3, or null. */
  private volatile Path localSource;

  /** Each chunk's CRC, to check the whole against S3's; null when not checking. */
  private long[] crcs;

  /** The algorithm of those CRCs, as the listing named it. */
  private String crcAlgorithm;

  /** S3's full-object CRC, being asked for while the chunks download; null when not checking. */
  private Future<S3Access.ExpectedCrcs> expectedCrc;

  protected ObjectSink(ObjectInfo object, int chunks) {
    this.object = object;
    this.remaining = new AtomicInteger(chunks);
  }

  /** Returns the object. */
  public final ObjectInfo object() {
    return object;
  }

  /** Returns a writer for one chunk, holding {@code sequence} as its place in the download. */
  public abstract ChunkWriter writer(ChunkTask task, long sequence);

  /** Records a finished chunk; returns true when it was the object's last. */
  final boolean chunkFinished() {
    return remaining.decrementAndGet() == 0;
  }

  /** Marks chunks as already finished before the download, for a resumed object. */
  protected final void alreadyFinished(int chunks) {
    remaining.addAndGet(-chunks);
  }

  /**
   * Returns the digest ({@code SHA1} or {@code SHA256}) of the whole object as received, read back
   * after its last chunk, or null when this sink cannot read its bytes back.
   */
  public byte[] digestWhole(String algorithm) throws IOException {
    return null;
  }

  /** Returns whether {@link #digestWhole} can read the object's bytes back. */
  public boolean canDigestWhole() {
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
   * Makes room for the chunks' CRCs and takes the answer S3's full-object CRC will come in; called
   * by the chunker before any chunk is fetched.
   */
  final void keepCrcs(int chunks, String algorithm, Future<S3Access.ExpectedCrcs> expected) {
    crcs = new long[chunks];
    crcAlgorithm = algorithm;
    expectedCrc = expected;
  }

  /** Returns S3's CRCs for the object, waiting for the answer; null if it has none. */
  final S3Access.ExpectedCrcs expectedCrc() throws InterruptedException {
    try {
      return expectedCrc.get();
    } catch (ExecutionException e) {
      return null;
    }
  }

  /** Records one chunk's CRC, if they are kept. Workers call it for different chunks at once. */
  final void chunkCrc(int index, long value) {
    if (crcs != null) {
      crcs[index] = value;
    }
  }

  /** Returns the algorithm of the chunks' CRCs, or null when they are not kept. */
  final String crcAlgorithm() {
    return crcAlgorithm;
  }

  /** Returns the chunks' CRCs, in order. */
  final long[] crcs() {
    return crcs;
  }

  final void localSource(Path source) {
    this.localSource = source;
  }

  /** Returns the local file its bytes are read from instead of S3, or null. */
  public final Path localSource() {
    return localSource;
  }
}
