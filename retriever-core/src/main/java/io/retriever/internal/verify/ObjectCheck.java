package io.retriever.internal.verify;

import io.retriever.internal.s3.S3Access;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * What checking one object as a whole needs while its chunks download: the chunks' CRCs, the
 * answers S3 is asked for, the in-order digest or the MD5 of each part, and what the responses
 * showed.
 *
 * <p>Concurrency: the {@link Verifier} plans it on the chunker thread before any chunk is fetched;
 * downloader workers then record what they see, for different chunks at once; the thread that
 * finished the object's last chunk reads it.
 */
public final class ObjectCheck {
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

  /** How the object may have been uploaded in parts, the likeliest first; empty when not known. */
  private List<PartLayout> parts = List.of();

  /** The MD5 of each part, as they are hashed; null when the parts are not hashed. */
  private byte[][] partMd5s;

  /** For each chunk, the part it holds whole and which its worker hashes as it arrives, or -1. */
  private int[] chunkPart;

  /** The in-order digests of the parts hashed by reading them back; null for the others. */
  private OrderedDigest[] partDigests;

  /** Why the object cannot be checked, once that is known before its bytes are in; or null. */
  private String uncheckable;

  /**
   * Makes room for the chunks' CRCs and takes the answer S3's full-object CRC will come in; called
   * before any chunk is fetched.
   *
   * @param expected S3's CRCs of the object, being asked for; null when the chunks' CRCs serve only
   *     to confirm each chunk against another fetch of it
   */
  void keepCrcs(int chunks, String algorithm, Future<S3Access.ExpectedCrcs> expected) {
    crcs = new long[chunks];
    crcAlgorithm = algorithm;
    expectedCrc = expected;
  }

  /** Returns S3's CRCs for the object, waiting for the answer; null if it has none. */
  S3Access.ExpectedCrcs expectedCrc() throws InterruptedException {
    return answer(expectedCrc);
  }

  /** Returns S3's hash of the object, waiting for the answer; null if it has none. */
  S3Access.ExpectedCrcs expectedHash() throws InterruptedException {
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
  public void chunkCrc(int index, long value) {
    if (crcs != null) {
      crcs[index] = value;
    }
  }

  /**
   * Takes the chunks' CRCs from the fetch of the object before this one, whose bytes proved wrong
   * as a whole: each chunk of this fetch is kept only when its CRC agrees with another fetch of it,
   * so that a chunk corrupted on the way is found and fetched again, not the whole object.
   */
  void confirmAgainst(long[] previous) {
    if (crcs != null && previous != null && previous.length == crcs.length) {
      this.previousCrcs = previous;
    }
  }

  /** Returns chunk {@code index}'s CRC from the fetch before this one, or null. */
  public Long previousCrc(int index) {
    return previousCrcs == null ? null : previousCrcs[index];
  }

  /**
   * Hashes the object in order as its chunks complete, to check it against {@code expected} (a hash
   * S3 keeps, being asked for) or, when that is null, against the MD5 its ETag holds; called before
   * any chunk is fetched.
   */
  void digestInOrder(
      OrderedDigest digest, String algorithm, Future<S3Access.ExpectedCrcs> expected) {
    this.digest = digest;
    this.digestAlgorithm = algorithm;
    this.expectedHash = expected;
  }

  /** Returns the algorithm of the in-order digest ({@code MD5}, {@code SHA1}, {@code SHA256}). */
  String digestAlgorithm() {
    return digestAlgorithm;
  }

  /** Returns the in-order digest of the object, or null when it is not hashed whole. */
  OrderedDigest digest() {
    return digest;
  }

  /** Records that chunk {@code index} is written: hashes what is now in order, if it is hashed. */
  public void chunkWritten(int index) {
    if (digest != null) {
      digest.chunkDone(index);
    }
    if (partDigests != null && chunkPart[index] < 0) {
      for (OrderedDigest part : partDigests) {
        if (part != null && part.covers(index)) {
          part.chunkDone(index);
        }
      }
    }
  }

  /**
   * Records how the object may have been uploaded in parts, the likeliest first (the one the store
   * states, or those its size allows), before the verifier plans its check.
   */
  public void parts(List<PartLayout> layouts) {
    this.parts = List.copyOf(layouts);
  }

  /** Returns the likeliest layout of the object's parts, or null when none is known. */
  public PartLayout parts() {
    return parts.isEmpty() ? null : parts.get(0);
  }

  /** Returns the layouts the object's parts may have but the likeliest. */
  List<PartLayout> otherParts() {
    return parts.size() <= 1 ? List.of() : parts.subList(1, parts.size());
  }

  /**
   * Hashes each part of a multipart upload to check the MD5 of their MD5s: the parts whose chunk
   * {@code chunkPart} names by the worker that fetches it, the others by {@code readBack}.
   */
  void hashParts(int[] chunkPart, OrderedDigest[] readBack) {
    this.chunkPart = chunkPart;
    this.partDigests = readBack;
    this.partMd5s = new byte[readBack.length][];
  }

  /**
   * Returns the part chunk {@code index} holds whole, whose MD5 its worker computes as the bytes
   * arrive; -1 when it holds none.
   */
  public int streamedPart(int index) {
    return chunkPart == null ? -1 : chunkPart[index];
  }

  /** Records the MD5 of part {@code part}, computed by the worker that fetched it. */
  public void partMd5(int part, byte[] md5) {
    partMd5s[part] = md5;
  }

  /** Returns whether the parts are hashed for the check. */
  boolean hashesParts() {
    return partMd5s != null;
  }

  /**
   * Returns the MD5 of each part, waiting for those read back; called once every chunk is in.
   *
   * @throws IOException when a part could not be read back
   */
  byte[][] partMd5s() throws IOException, InterruptedException {
    byte[][] all = Arrays.copyOf(partMd5s, partMd5s.length);
    for (int part = 0; part < all.length; part++) {
      if (partDigests[part] != null) {
        all[part] = partDigests[part].await();
      }
      if (all[part] == null) {
        throw new IOException("part " + (part + 1) + " was never hashed");
      }
    }
    return all;
  }

  /** Records why the object cannot be checked, found before its bytes are in. */
  void uncheckable(String reason) {
    this.uncheckable = reason;
  }

  /** Returns why the object cannot be checked, when found before its bytes were in; or null. */
  String uncheckable() {
    return uncheckable;
  }

  /** Records that a response showed the ETag is not the object's MD5 (it is encrypted). */
  public void etagNotMd5() {
    etagNotMd5 = true;
  }

  /** Returns whether a response showed the ETag is not the object's MD5. */
  boolean isEtagNotMd5() {
    return etagNotMd5;
  }

  /** Records that the object's one GET was checked as a whole (MD5, or a checksum of S3's). */
  public void checkedWhole() {
    checkedWhole = true;
  }

  /** Returns whether the object's one GET was checked as a whole. */
  boolean isCheckedWhole() {
    return checkedWhole;
  }

  /** Returns the algorithm of the chunks' CRCs, or null when they are not kept. */
  public String crcAlgorithm() {
    return crcAlgorithm;
  }

  /** Returns the chunks' CRCs, in order, or null when they are not kept. */
  public long[] crcs() {
    return crcs;
  }
}
