package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.hook.DownloadedObject;
import io.retriever.internal.s3.S3Access;
import io.retriever.internal.verify.OrderedDigest;
import java.io.IOException;
import java.nio.ByteBuffer;
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

  /** The in-order digest of the whole object, or null. */
  private OrderedDigest digest;

  /** The algorithm of {@link #digest}. */
  private String digestAlgorithm;

  /** S3's SHA of the object, being asked for; null for an MD5 (the ETag's) or no digest. */
  private Future<S3Access.ExpectedCrcs> expectedHash;

  /** The chunks' CRCs from the fetch before this one, to confirm each chunk against; or null. */
  private long[] previousCrcs;

  /** Whether a response showed the ETag is not the object's MD5. */
  private volatile boolean etagNotMd5;

  /** Whether the object's one GET was checked as a whole. */
  private volatile boolean checkedWhole;

  /** What the chunker planned for the object; null for sinks not opened by the chunker. */
  private PlannedObject planned;

  /** Which fetch of the object this is, from 1. */
  private int attempt = 1;

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
   *
   * @param expected S3's CRCs of the object, being asked for; null when the chunks' CRCs serve only
   *     to confirm each chunk against another fetch of it
   */
  final void keepCrcs(int chunks, String algorithm, Future<S3Access.ExpectedCrcs> expected) {
    crcs = new long[chunks];
    crcAlgorithm = algorithm;
    expectedCrc = expected;
  }

  /** Returns S3's CRCs for the object, waiting for the answer; null if it has none. */
  final S3Access.ExpectedCrcs expectedCrc() throws InterruptedException {
    return answer(expectedCrc);
  }

  /** Returns S3's hash of the object, waiting for the answer; null if it has none. */
  final S3Access.ExpectedCrcs expectedHash() throws InterruptedException {
    return answer(expectedHash);
  }

  private static S3Access.ExpectedCrcs answer(Future<S3Access.ExpectedCrcs> future)
      throws InterruptedException {
    if (future == null) {
      return null;
    }
    try {
      return future.get();
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

  /**
   * Takes the chunks' CRCs from the fetch of the object before this one, whose bytes proved wrong
   * as a whole: each chunk of this fetch is kept only when its CRC agrees with another fetch of it,
   * so that a chunk corrupted on the way is found and fetched again, not the whole object.
   */
  final void confirmAgainst(long[] previous) {
    if (crcs != null && previous != null && previous.length == crcs.length) {
      this.previousCrcs = previous;
    }
  }

  /** Returns chunk {@code index}'s CRC from the fetch before this one, or null. */
  final Long previousCrc(int index) {
    return previousCrcs == null ? null : previousCrcs[index];
  }

  /**
   * Hashes the object in order as its chunks complete, to check it against {@code expected} (a hash
   * S3 keeps, being asked for) or, when that is null, against the MD5 its ETag holds; called by the
   * chunker before any chunk is fetched.
   */
  final void digestInOrder(
      OrderedDigest digest, String algorithm, Future<S3Access.ExpectedCrcs> expected) {
    this.digest = digest;
    this.digestAlgorithm = algorithm;
    this.expectedHash = expected;
  }

  /** Returns the algorithm of the in-order digest ({@code MD5}, {@code SHA1}, {@code SHA256}). */
  final String digestAlgorithm() {
    return digestAlgorithm;
  }

  /** Returns the in-order digest of the object, or null when it is not hashed whole. */
  final OrderedDigest digest() {
    return digest;
  }

  /** Records that a response showed the ETag is not the object's MD5 (it is encrypted). */
  final void etagNotMd5() {
    etagNotMd5 = true;
  }

  /** Returns whether a response showed the ETag is not the object's MD5. */
  final boolean isEtagNotMd5() {
    return etagNotMd5;
  }

  /** Records that the object's one GET was checked as a whole (MD5, or a checksum of S3's). */
  final void checkedWhole() {
    checkedWhole = true;
  }

  /** Returns whether the object's one GET was checked as a whole. */
  final boolean isCheckedWhole() {
    return checkedWhole;
  }

  /** Records what the chunker planned for the object and how many times it was fetched before. */
  final void origin(PlannedObject planned, int attempt) {
    this.planned = planned;
    this.attempt = attempt;
  }

  /** Returns what the chunker planned for the object. */
  final PlannedObject planned() {
    return planned;
  }

  /** Returns which fetch of the object this is, from 1. */
  final int attempt() {
    return attempt;
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
