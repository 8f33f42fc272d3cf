package io.retriever.internal.verify;

import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.hook.ChunkInterceptor;
import io.retriever.hook.ChunkLayout;
import io.retriever.internal.Settings;
import io.retriever.internal.pipeline.ObjectSink;
import io.retriever.internal.pipeline.StageName;
import io.retriever.internal.pipeline.Threads;
import io.retriever.internal.pipeline.Waits;
import io.retriever.internal.s3.S3Access;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/*
 * Concurrency: plan runs on the chunker thread, check on the thread that finished an object's last
 * chunk. Questions to S3 and in-order digests run on a small pool of the download's own, made when
 * the first object needs it (guarded by `this`) and stopped once, by stop, when the download ends.
 */
/**
 * Checks whole objects, one download's: decides which check applies to each object, asks S3 for
 * what to check it against while its chunks download, and judges its bytes when they are all in.
 */
public final class Verifier {
  /** Threads that ask S3 for full-object CRCs while chunks download. */
  private static final int VERIFIER_THREADS = 4;

  private final S3Access s3;

  /** The download's count of requests, which questions to S3 add to. */
  private final AtomicLong requests;

  /** Whether objects are checked at all. */
  private final boolean verify;

  /** Whether chunk interceptors may change the bytes on their way to the sink. */
  private final boolean transformsBytes;

  /** The pool of those threads, made when the first object needs one; null until then. */
  private ExecutorService verifiers;

  /** Where the pool's threads come from. */
  private final Threads threads;

  public Verifier(Settings settings, S3Access s3, AtomicLong requests, Threads threads) {
    this.s3 = s3;
    this.threads = threads;
    this.requests = requests;
    this.verify = settings.verify();
    this.transformsBytes =
        !settings.chunkInterceptors().stream()
            .allMatch(i -> i instanceof ChunkInterceptor.RequestOnly);
  }

  /**
   * What checking an object as a whole found.
   *
   * @param verified whether a check applied and passed
   * @param mismatch what did not match, or null
   */
  public record Verdict(boolean verified, String mismatch) {
    static final Verdict VERIFIED = new Verdict(true, null);
    static final Verdict UNVERIFIED = new Verdict(false, null);
  }

  /**
   * Plans how an object fetched in ranges (its sink's layout) is checked as a whole; called by the
   * chunker before any of its chunks is fetched. An object of one chunk is checked by its one GET;
   * one read from a local copy is not checked.
   *
   * @param previousCrcs the chunks' CRCs from the fetch before this one, whose bytes proved wrong;
   *     null on the first fetch
   */
  public void plan(ObjectSink sink, long[] previousCrcs) {
    if (verify && sink.layout().count() > 1 && sink.localSource() == null) {
      planChecks(sink, sink.layout().count());
      sink.check().confirmAgainst(previousCrcs);
    }
  }

  /**
   * Decides how an object fetched in ranges is checked as a whole, by what S3 lists for it: its
   * chunks' CRCs combined, when S3 keeps a CRC of it; else its bytes hashed in order, read back,
   * when S3 keeps a SHA of it or its ETag is an MD5. Anything else stays unverified.
   */
  private void planChecks(ObjectSink sink, int count) {
    ObjectInfo object = sink.object();
    ObjectCheck check = sink.check();
    String algorithm = object.checksumAlgorithm();
    boolean composite = "COMPOSITE".equals(object.checksumType());
    // A chunk partly on disk from an interrupted run has no CRC of its own bytes: such an object
    // is hashed whole instead, read back.
    if (Crcs.combinable(algorithm) && sink.resumedBytes() == 0) {
      check.keepCrcs(count, algorithm, askExpectedCrcs(object));
      return;
    }
    // Read back, the bytes are what chunk interceptors made of them, not what the store sent.
    if (!sink.canReadBack() || transformsBytes) {
      return;
    }
    String hash =
        Hashes.isHash(algorithm) && !composite
            ? algorithm
            : Hashes.plainMd5(object.eTag()) != null ? "MD5" : null;
    if (hash == null) {
      return;
    }
    // The chunks' CRC-32Cs (nearly free) let a fetch after a mismatch confirm chunk by chunk.
    check.keepCrcs(count, "CRC32C", null);
    OrderedDigest digest = new OrderedDigest(sink, Hashes.newDigest(hash), verifierPool());
    check.digestInOrder(digest, hash, "MD5".equals(hash) ? null : askExpectedCrcs(object));
    for (int i = 0; i < count; i++) {
      if (sink.resumed(i)) {
        digest.chunkDone(i); // On disk already: hashed with the rest.
      }
    }
  }

  /**
   * Checks an object whose chunks are all in as a whole by what was planned for it: its one GET's
   * check, its chunks' CRCs against S3's, or its bytes hashed in order against S3's hash or its
   * ETag's MD5. Without verification, every object passes.
   */
  public Verdict check(ObjectSink object) throws InterruptedException {
    if (!verify) {
      return Verdict.VERIFIED;
    }
    ObjectCheck check = object.check();
    if (check.isCheckedWhole()) {
      return Verdict.VERIFIED;
    }
    if (check.digest() != null) {
      return matchesDigest(object);
    }
    if (check.crcs() != null) {
      S3Access.ExpectedCrcs expected = check.expectedCrc();
      if (expected != null && expected.algorithm().equals(check.crcAlgorithm())) {
        return matchesExpectedCrcs(object, expected);
      }
      // S3 gave no CRC that applies after all: the ETag's MD5 may still.
      if (object.canReadBack() && Hashes.plainMd5(object.object().eTag()) != null) {
        return readBackMd5(object);
      }
    }
    return Verdict.UNVERIFIED;
  }

  /** Hashes an object whose chunks are all in, read back, against its ETag's MD5. */
  private Verdict readBackMd5(ObjectSink object) throws InterruptedException {
    int chunks = object.layout().count();
    OrderedDigest digest = new OrderedDigest(object, Hashes.newDigest("MD5"), verifierPool());
    object.check().digestInOrder(digest, "MD5", null);
    for (int i = 0; i < chunks; i++) {
      digest.chunkDone(i);
    }
    return matchesDigest(object);
  }

  /**
   * Checks an object fetched in ranges against the CRCs S3 keeps for it: the full-object CRC, or
   * each part's for a multipart upload whose parts begin on chunk boundaries, by combining the
   * chunks' CRCs.
   */
  private Verdict matchesExpectedCrcs(ObjectSink object, S3Access.ExpectedCrcs expected) {
    ObjectInfo info = object.object();
    ChunkLayout layout = object.layout();
    long[] crcs = object.check().crcs();
    int chunk = 0;
    long offset = 0;
    for (int part = 0; part < expected.partSizes().length; part++) {
      long end = offset + expected.partSizes()[part];
      if (end > info.size() || chunk == layout.count()) {
        return Verdict.UNVERIFIED; // Parts that do not fit the object: nothing to form.
      }
      long combined = crcs[chunk];
      long reached = layout.offset(chunk) + layout.length(chunk);
      chunk++;
      while (reached < end) {
        int length = layout.length(chunk);
        combined = Crcs.combine(combined, crcs[chunk], length, expected.algorithm());
        reached += length;
        chunk++;
      }
      if (reached != end) {
        return Verdict.UNVERIFIED; // A part ends inside a chunk: no part's CRC can be formed.
      }
      if (combined != expected.values()[part]) {
        return new Verdict(
            false,
            expected.algorithm()
                + (expected.partSizes().length > 1 ? " of part " + (part + 1) : "")
                + " (the bytes received give "
                + Long.toHexString(combined)
                + ", S3 keeps "
                + Long.toHexString(expected.values()[part])
                + ")");
      }
      offset = end;
    }
    return Verdict.VERIFIED;
  }

  /** Checks an object's in-order digest against S3's hash of it, or its ETag's MD5. */
  private static Verdict matchesDigest(ObjectSink object) throws InterruptedException {
    ObjectInfo info = object.object();
    ObjectCheck check = object.check();
    byte[] got;
    try {
      got = check.digest().await();
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO, "cannot read back " + info.uri() + " to check it: " + e, e);
    }
    String algorithm = check.digestAlgorithm();
    byte[] want;
    if ("MD5".equals(algorithm)) {
      if (check.isEtagNotMd5()) {
        return Verdict.UNVERIFIED;
      }
      want = HexFormat.of().parseHex(Hashes.plainMd5(info.eTag()));
    } else {
      S3Access.ExpectedCrcs expected = check.expectedHash();
      if (expected == null || expected.hash() == null) {
        return Verdict.UNVERIFIED;
      }
      want = expected.hash();
    }
    if (Arrays.equals(got, want)) {
      return Verdict.VERIFIED;
    }
    return new Verdict(
        false,
        algorithm
            + " (the bytes received give "
            + HexFormat.of().formatHex(got)
            + ", the store states "
            + HexFormat.of().formatHex(want)
            + ")");
  }

  /**
   * How an object's one GET is checked as a whole.
   *
   * @param algorithm the checksum's name ({@code CRC32C}, {@code CRC64NVME}, {@code MD5}, ...), or
   *     null when the bytes are not checked here
   * @param expectedCrc the CRC (unsigned, in a long) the bytes' must end equal to, for a CRC; or
   *     null
   * @param digest a digest of the bytes, for a hash; or null
   * @param expectedDigest what {@code digest} must end equal to, for a hash; or null
   * @param what what states the expected value, for messages ("S3" or "the ETag")
   * @param checked whether the bytes are checked as a whole: here, or by the SDK
   */
  public record WholeGet(
      String algorithm,
      Long expectedCrc,
      MessageDigest digest,
      byte[] expectedDigest,
      String what,
      boolean checked) {}

  /**
   * Decides how an object's one GET is checked as a whole, from its response; returns null without
   * verification. A checksum S3 sent comes first, the cheapest of them to compute first (CRC32C and
   * CRC32 cost a tenth of what the MD5 does, CRC-64/NVME a quarter); then the MD5 an ETag may be.
   */
  public WholeGet wholeGet(ObjectInfo object, GetObjectResponse response) {
    if (!verify) {
      return null;
    }
    S3Access.WholeChecksum sum = S3Access.wholeChecksum(response);
    if (sum != null && sum.hash() == null) {
      return new WholeGet(sum.algorithm(), sum.crc(), null, null, "S3", true);
    }
    if (sum != null) {
      return new WholeGet(
          sum.algorithm(), null, Hashes.newDigest(sum.algorithm()), sum.hash(), "S3", true);
    }
    String md5 = Hashes.plainMd5(object.eTag());
    if (md5 != null && !Hashes.encryptedWithKey(response)) {
      return new WholeGet(
          "MD5", null, Hashes.newDigest("MD5"), HexFormat.of().parseHex(md5), "the ETag", true);
    }
    return new WholeGet(null, null, null, null, null, checkedBySdk(response));
  }

  /**
   * Returns whether the SDK checks this response itself: it carries a trailing MD5 ({@code
   * x-amz-transfer-encoding: append-md5}, which the SDK asks for and validates).
   */
  private static boolean checkedBySdk(GetObjectResponse response) {
    return response
        .sdkHttpResponse()
        .firstMatchingHeader("x-amz-transfer-encoding")
        .filter(v -> v.contains("append-md5"))
        .isPresent();
  }

  /** Describes an object whose bytes do not match what the store states. */
  public static RetrieverException corrupt(ObjectSink object, String what) {
    return new RetrieverException(
        Reason.CORRUPT,
        object.object().uri()
            + " does not match its "
            + what
            + " on every attempt: the server or the network corrupts it; nothing was kept");
  }

  /**
   * Starts asking S3 for an object's CRCs (the full-object one, or each part's for a composite
   * checksum), on a small pool of the download's own, so that the answer is in by the time the
   * object's last chunk is.
   */
  private Future<S3Access.ExpectedCrcs> askExpectedCrcs(ObjectInfo object) {
    boolean composite = "COMPOSITE".equals(object.checksumType());
    boolean hash = !Crcs.combinable(object.checksumAlgorithm());
    return verifierPool()
        .submit(
            () -> {
              requests.incrementAndGet();
              if (hash) {
                return s3.fullObjectHash(object);
              }
              if (composite) {
                return s3.partCrcs(object);
              }
              S3Access.ExpectedCrcs whole = s3.fullObjectCrc(object);
              if (whole == null && S3Access.isMultipart(object.eTag())) {
                // A multipart upload whose listing states no checksum type may keep its parts'.
                requests.incrementAndGet();
                return s3.partCrcs(object);
              }
              return whole;
            });
  }

  /**
   * Returns the download's small pool of threads for checks that run beside the chunks: asking S3
   * for an object's checksums, hashing objects in order. Made when the first object needs it.
   */
  private synchronized ExecutorService verifierPool() {
    if (verifiers == null) {
      AtomicInteger n = new AtomicInteger();
      verifiers =
          Executors.newFixedThreadPool(
              VERIFIER_THREADS,
              r ->
                  threads.newThread(
                      StageName.thread("verifier", n.getAndIncrement()),
                      () -> {
                        S3Access.countRequestsIn(requests);
                        r.run();
                      }));
    }
    return verifiers;
  }

  /** Stops the pool, if it was made, and waits a little for its threads; called at the end. */
  public void stop() {
    ExecutorService pool;
    synchronized (this) {
      pool = verifiers;
    }
    if (pool != null) {
      pool.shutdownNow();
      Waits.awaitTermination(pool, TimeUnit.SECONDS.toMillis(5));
    }
  }
}
