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
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/*
 * Concurrency: learnParts runs on the lister thread, plan on the chunker thread, check on a
 * finisher thread. Questions to S3 run on a small pool of the download's own, in-order digests on
 * another, each made when the first object needs it (guarded by `this`) and stopped once, by stop,
 * when the download ends.
 */
/**
 * Checks whole objects, one download's: decides which check applies to each object, asks S3 for
 * what to check it against while its chunks download, and judges its bytes when they are all in.
 */
public final class Verifier {
  /** Threads that ask S3 for checksums and part layouts while chunks download. */
  private static final int ASKING_THREADS = 8;

  /** Threads that hash objects, or parts, in order by reading them back. */
  private static final int HASHING_THREADS =
      Math.max(2, Runtime.getRuntime().availableProcessors());

  /** What an object no check covers is named with, when nothing more precise is known. */
  static final String NO_CHECK = "the store keeps no checksum for it and its ETag is not an MD5";

  private final S3Access s3;

  /** The download's count of requests, which questions to S3 add to. */
  private final AtomicLong requests;

  /** Whether objects are checked at all. */
  private final boolean verify;

  /** Whether chunk interceptors may change the bytes on their way to the sink. */
  private final boolean transformsBytes;

  /** The pool of the asking threads, made when the first object needs one; null until then. */
  private ExecutorService asking;

  /** The pool of the hashing threads, made when the first object needs one; null until then. */
  private ExecutorService hashing;

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
   * @param unverified why no check applied, for people ("the store keeps no checksum for it"); null
   *     when one did
   * @param inferred whether a mismatch may be the part layout's, inferred rather than stated by the
   *     store: once two fetches agree chunk by chunk, the layout is what was wrong
   */
  public record Verdict(boolean verified, String mismatch, String unverified, boolean inferred) {
    static final Verdict VERIFIED = new Verdict(true, null, null, false);

    static Verdict unverified(String why) {
      return new Verdict(false, null, why, false);
    }

    static Verdict mismatch(String what) {
      return new Verdict(false, what, null, false);
    }
  }

  /**
   * Starts learning how a multipart upload was cut into parts, so that the chunker can cut it along
   * them and its parts' MD5s check it against its ETag: a HEAD of part 1, or, where the store does
   * not answer that, the part sizes uploaders use that fit its size, the likeliest first. Returns
   * null for an object that needs none: not a multipart upload, or one with a full-object checksum.
   */
  public Future<List<PartLayout>> learnParts(ObjectInfo object) {
    Hashes.MultipartEtag etag = Hashes.multipartMd5(object.eTag());
    if (!verify || etag == null || "FULL_OBJECT".equals(object.checksumType())) {
      return null;
    }
    if (etag.parts() == 1 || object.size() == 0) {
      return CompletableFuture.completedFuture(PartLayout.infer(object.size(), etag.parts()));
    }
    try {
      return askingPool()
          .submit(
              () -> {
                requests.incrementAndGet();
                return PartLayout.learn(s3, object, etag.parts());
              });
    } catch (RejectedExecutionException e) {
      return null; // The download is ending.
    }
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
    if (!verify || sink.localSource() != null || sink.layout().count() == 0) {
      return;
    }
    Hashes.MultipartEtag etag = Hashes.multipartMd5(sink.object().eTag());
    if (sink.layout().count() > 1) {
      planChecks(sink, sink.layout().count(), etag);
    } else if (etag != null && !"FULL_OBJECT".equals(sink.object().checksumType())) {
      // A multipart upload's one GET brings no checksum it can be checked by: its parts' MD5s do.
      planParts(sink, etag);
    }
    sink.check().confirmAgainst(previousCrcs);
  }

  /**
   * Decides how an object fetched in ranges is checked as a whole, by what S3 lists for it: its
   * chunks' CRCs combined, when S3 keeps a CRC of it; else its bytes hashed in order, read back,
   * when S3 keeps a SHA of it or its ETag is an MD5. Anything else stays unverified.
   */
  private void planChecks(ObjectSink sink, int count, Hashes.MultipartEtag etag) {
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
    boolean hashable = Hashes.isHash(algorithm) && !composite;
    if (etag != null && !hashable) {
      planParts(sink, etag);
      return;
    }
    String hash = hashable ? algorithm : Hashes.plainMd5(object.eTag()) != null ? "MD5" : null;
    if (hash == null) {
      return;
    }
    // Read back, the bytes are what chunk interceptors made of them, not what the store sent.
    if (!sink.canReadBack() || transformsBytes) {
      check.uncheckable(cannotReadBack());
      return;
    }
    // The chunks' CRC-32Cs (nearly free) let a fetch after a mismatch confirm chunk by chunk.
    check.keepCrcs(count, "CRC32C", null);
    OrderedDigest digest = new OrderedDigest(sink, Hashes.newDigest(hash), hashingPool());
    check.digestInOrder(digest, hash, "MD5".equals(hash) ? null : askExpectedCrcs(object));
    for (int i = 0; i < count; i++) {
      if (sink.resumed(i)) {
        digest.chunkDone(i); // On disk already: hashed with the rest.
      }
    }
  }

  /**
   * Plans the check of a multipart upload by its ETag, the MD5 of its parts' MD5s: each part that a
   * chunk holds whole is hashed by the worker that fetches it, as the bytes arrive; any other (a
   * part cut into several chunks, or partly on disk from an interrupted run) is read back in order
   * once its chunks are in, on the hashing threads. The chunks' CRC-32Cs let a fetch after a
   * mismatch confirm chunk by chunk.
   */
  private void planParts(ObjectSink sink, Hashes.MultipartEtag etag) {
    ObjectCheck check = sink.check();
    PartLayout parts = check.parts();
    if (parts == null || parts.count() != etag.parts()) {
      check.uncheckable(
          "uploaded in "
              + etag.parts()
              + " parts, whose size the store does not state and the object's size does not"
              + " tell");
      return;
    }
    ChunkLayout layout = sink.layout();
    int count = layout.count();
    check.keepCrcs(count, "CRC32C", null);
    int[] chunkPart = new int[count];
    Arrays.fill(chunkPart, -1);
    OrderedDigest[] readBack = new OrderedDigest[parts.count()];
    boolean readsBack = sink.canReadBack() && !transformsBytes;
    for (int part = 0; part < parts.count(); part++) {
      long start = parts.offset(part);
      long length = parts.length(part);
      int chunk = OrderedDigest.chunkAt(layout, start);
      if (layout.offset(chunk) == start
          && layout.length(chunk) == length
          && !sink.resumed(chunk)
          && sink.resumedWithin(chunk) == 0) {
        chunkPart[chunk] = part;
      } else if (readsBack) {
        readBack[part] =
            new OrderedDigest(sink, Hashes.newDigest("MD5"), hashingPool(), start, start + length);
      } else {
        check.uncheckable("its parts are not each fetched in one GET, and " + cannotReadBack());
        return;
      }
    }
    check.hashParts(chunkPart, readBack);
    for (int i = 0; i < count; i++) {
      if (sink.resumed(i)) {
        check.chunkWritten(i); // On disk already: hashed with the rest of its part.
      }
    }
  }

  /** Says why an object's bytes cannot be read back to be hashed in order. */
  private String cannotReadBack() {
    return transformsBytes
        ? "its bytes are changed by a chunk interceptor before they could be read back to be hashed"
        : "its bytes are handed over in order, never read back to be hashed as a whole";
  }

  /**
   * Checks an object whose chunks are all in as a whole by what was planned for it: its one GET's
   * check, its chunks' CRCs against S3's, its bytes hashed in order against S3's hash or its ETag's
   * MD5, or its parts' MD5s against its ETag. Without verification, every object passes; so does an
   * empty one, which has no byte to be wrong.
   */
  public Verdict check(ObjectSink object) throws InterruptedException {
    if (!verify || object.object().size() == 0) {
      return Verdict.VERIFIED;
    }
    ObjectCheck check = object.check();
    if (check.isCheckedWhole()) {
      return Verdict.VERIFIED;
    }
    if (check.isEtagNotMd5() && (check.hashesParts() || "MD5".equals(check.digestAlgorithm()))) {
      return Verdict.unverified(ENCRYPTED);
    }
    if (check.hashesParts()) {
      return matchesParts(object);
    }
    if (check.digest() != null) {
      return matchesDigest(object);
    }
    if (check.crcs() != null && check.crcAlgorithm() != null && check.digest() == null) {
      S3Access.ExpectedCrcs expected = check.expectedCrc();
      Verdict byCrcs = null;
      if (expected != null && expected.algorithm().equals(check.crcAlgorithm())) {
        byCrcs = matchesExpectedCrcs(object, expected);
        if (byCrcs.verified() || byCrcs.mismatch() != null) {
          return byCrcs;
        }
      }
      // No CRC S3 gave applies after all: the ETag may still, on the bytes read back.
      if (object.canReadBack() && !transformsBytes) {
        if (Hashes.plainMd5(object.object().eTag()) != null) {
          return readBackMd5(object);
        }
        Hashes.MultipartEtag etag = Hashes.multipartMd5(object.object().eTag());
        if (etag != null && check.parts() != null && check.parts().count() == etag.parts()) {
          return readBackParts(object);
        }
      }
      if (byCrcs != null) {
        return byCrcs;
      }
      if (expected == null && check.crcAlgorithm().equals(object.object().checksumAlgorithm())) {
        return Verdict.unverified(
            "the store lists a "
                + check.crcAlgorithm()
                + " checksum for it but did not give it when asked");
      }
    }
    return Verdict.unverified(
        check.isEtagNotMd5()
            ? ENCRYPTED
            : check.uncheckable() != null ? check.uncheckable() : NO_CHECK);
  }

  /** Why an object whose ETag is not an MD5 because of its encryption goes unchecked. */
  static final String ENCRYPTED =
      "it is encrypted with a KMS or customer key, so its ETag is no MD5, and the store keeps no"
          + " checksum for it";

  /**
   * Checks a multipart upload by its ETag: the MD5 of its parts' MD5s, and their number. When the
   * layout was inferred and does not match, the other layouts its size allows are tried on the
   * bytes read back; a mismatch of inferred layouts alone may be theirs rather than the bytes'.
   */
  private Verdict matchesParts(ObjectSink object) throws InterruptedException {
    ObjectInfo info = object.object();
    ObjectCheck check = object.check();
    Hashes.MultipartEtag etag = Hashes.multipartMd5(info.eTag());
    String got;
    try {
      got = md5OfParts(check.partMd5s());
      if (got.equals(etag.md5())) {
        return Verdict.VERIFIED;
      }
      if (object.canReadBack() && !transformsBytes) {
        for (PartLayout other : check.otherParts()) {
          if (md5OfParts(readBack(object, other)).equals(etag.md5())) {
            return Verdict.VERIFIED;
          }
        }
      }
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO, "cannot read back " + info.uri() + " to check it: " + e, e);
    }
    PartLayout parts = check.parts();
    List<PartLayout> tried = new ArrayList<>();
    tried.add(parts);
    if (object.canReadBack() && !transformsBytes) {
      tried.addAll(check.otherParts());
    }
    String sizes = tried.stream().map(PartLayout::describe).collect(Collectors.joining(", or "));
    return new Verdict(
        false,
        "ETag, the MD5 of its parts' MD5s ("
            + sizes
            + (parts.learned() ? "" : ", as its size suggests")
            + "; the bytes received give "
            + got
            + "-"
            + parts.count()
            + ", the store states "
            + etag.md5()
            + "-"
            + etag.parts()
            + ")",
        parts.learned()
            ? null
            : "uploaded in "
                + parts.count()
                + " parts whose size the store does not state, and none of the sizes its own size"
                + " suggests ("
                + sizes
                + ") gives its ETag, though two fetches of it agreed byte for byte",
        !parts.learned());
  }

  /** Returns the MD5, in hex, of the parts' MD5s one after another. */
  private static String md5OfParts(byte[][] md5s) {
    MessageDigest ofParts = Hashes.newDigest("MD5");
    for (byte[] md5 : md5s) {
      ofParts.update(md5);
    }
    return HexFormat.of().formatHex(ofParts.digest());
  }

  /** Reads an object whose chunks are all in back, and returns the MD5 of each of its parts. */
  private static byte[][] readBack(ObjectSink object, PartLayout parts) throws IOException {
    byte[][] md5s = new byte[parts.count()][];
    MessageDigest md5 = Hashes.newDigest("MD5");
    ByteBuffer buffer = ByteBuffer.allocate(READ_BACK_SIZE);
    for (int part = 0; part < parts.count(); part++) {
      long position = parts.offset(part);
      for (long end = position + parts.length(part); position < end; ) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
        int n = object.readBack(position, buffer);
        if (n <= 0) {
          throw new IOException("only " + position + " bytes could be read back");
        }
        md5.update(buffer.array(), 0, n);
        position += n;
      }
      md5s[part] = md5.digest();
    }
    return md5s;
  }

  /** Bytes read back at a time to try another part layout. */
  private static final int READ_BACK_SIZE = 256 << 10;

  /**
   * Hashes the parts of an object whose chunks are all in, read back, against its ETag; for one
   * whose CRCs the store did not give after all.
   */
  private Verdict readBackParts(ObjectSink object) throws InterruptedException {
    PartLayout parts = object.check().parts();
    OrderedDigest[] readBack = new OrderedDigest[parts.count()];
    int[] chunkPart = new int[object.layout().count()];
    Arrays.fill(chunkPart, -1);
    for (int part = 0; part < parts.count(); part++) {
      readBack[part] =
          new OrderedDigest(
              object,
              Hashes.newDigest("MD5"),
              hashingPool(),
              parts.offset(part),
              parts.offset(part) + parts.length(part));
    }
    object.check().hashParts(chunkPart, readBack);
    for (int i = 0; i < object.layout().count(); i++) {
      object.check().chunkWritten(i);
    }
    return matchesParts(object);
  }

  /** Hashes an object whose chunks are all in, read back, against its ETag's MD5. */
  private Verdict readBackMd5(ObjectSink object) throws InterruptedException {
    int chunks = object.layout().count();
    OrderedDigest digest = new OrderedDigest(object, Hashes.newDigest("MD5"), hashingPool());
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
        return Verdict.unverified("the store states parts of it that do not make its size");
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
        // A part ends inside a chunk: no part's CRC can be formed.
        return Verdict.unverified(
            "the store keeps a CRC of each of its parts, and its parts end inside chunks");
      }
      if (combined != expected.values()[part]) {
        return Verdict.mismatch(
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
        return Verdict.unverified(ENCRYPTED);
      }
      want = HexFormat.of().parseHex(Hashes.plainMd5(info.eTag()));
    } else {
      S3Access.ExpectedCrcs expected = check.expectedHash();
      if (expected == null || expected.hash() == null) {
        return Verdict.unverified(
            "the store lists a " + algorithm + " checksum for it but did not give it when asked");
      }
      want = expected.hash();
    }
    if (Arrays.equals(got, want)) {
      return Verdict.VERIFIED;
    }
    return Verdict.mismatch(
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
    return askingPool()
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
   * Returns the download's small pool of threads that ask S3, beside the chunks, what to check
   * objects against: their checksums, their part layouts. Made when the first object needs it.
   */
  private synchronized ExecutorService askingPool() {
    if (asking == null) {
      asking = pool("verifier-ask", ASKING_THREADS);
    }
    return asking;
  }

  /**
   * Returns the download's small pool of threads that hash objects, or their parts, in order by
   * reading them back. Made when the first object needs it.
   */
  private synchronized ExecutorService hashingPool() {
    if (hashing == null) {
      hashing = pool("verifier", HASHING_THREADS);
    }
    return hashing;
  }

  private ExecutorService pool(String name, int size) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        size,
        r ->
            threads.newThread(
                StageName.thread(name, n.getAndIncrement()),
                () -> {
                  S3Access.countRequestsIn(requests);
                  r.run();
                }));
  }

  /** Stops the pools that were made and waits a little for their threads; called at the end. */
  public void stop() {
    ExecutorService[] pools;
    synchronized (this) {
      pools = new ExecutorService[] {asking, hashing};
    }
    for (ExecutorService pool : pools) {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    for (ExecutorService pool : pools) {
      if (pool != null) {
        Waits.awaitTermination(pool, TimeUnit.SECONDS.toMillis(5));
      }
    }
  }
}
