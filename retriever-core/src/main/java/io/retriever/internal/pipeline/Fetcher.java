package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.ChunkRequested;
import io.retriever.event.ChunkRetried;
import io.retriever.internal.Fixes;
import io.retriever.internal.Settings;
import io.retriever.internal.Text;
import io.retriever.internal.flow.ConcurrencyLimit;
import io.retriever.internal.flow.Throttle;
import io.retriever.internal.s3.Outage;
import io.retriever.internal.s3.S3Access;
import io.retriever.internal.s3.S3Errors;
import io.retriever.internal.verify.CheckingStream;
import io.retriever.internal.verify.Crcs;
import io.retriever.internal.verify.Hashes;
import io.retriever.internal.verify.ObjectCheck;
import io.retriever.internal.verify.Verifier;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.Checksum;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Fetches one chunk into its writer: from the object's local copy when it has one, else with
 * ranged, conditional GETs. A body cut off part-way is fetched again from the first byte not yet
 * received, after an exponential, jittered back-off that the download's failure cuts short; a
 * response that is not what was asked for, or whose bytes a checksum refutes, counts as a cut.
 *
 * <p>Concurrency: shared by every downloader worker; each call keeps its state in its own {@link
 * Cursor}.
 */
final class Fetcher {
  private static final Logger LOG = LoggerFactory.getLogger(Fetcher.class);

  /** First retry backoff; doubles with each attempt. */
  private static final long BASE_BACKOFF_MILLIS = 100;

  /** Longest retry backoff. */
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  /** Most bytes asked of the body in one read. */
  private static final int READ_SIZE = 256 * 1024;

  private final Settings settings;
  private final S3Access s3;

  /** The bandwidth cap, or null. */
  private final Throttle throttle;

  /** The concurrency limit, which holds back retries as well when it is lowered. */
  private final ConcurrencyLimit limit;

  Fetcher(Settings settings, S3Access s3, Throttle throttle, ConcurrencyLimit limit) {
    this.settings = settings;
    this.s3 = s3;
    this.throttle = throttle;
    this.limit = limit;
  }

  /** Waits out a back-off; returns true when the download failed meanwhile. */
  private static boolean backOff(Scope scope, long millis, boolean throughOutage)
      throws InterruptedException {
    return throughOutage
        ? scope.outage().backOff(millis, scope.failures()::sleep)
        : scope.failures().sleep(millis);
  }

  /** How far into its chunk a fetch has come, across attempts. */
  static final class Cursor {
    /** GETs sent for the chunk. */
    int requests;

    /** Bytes of the chunk received so far. */
    int position;

    /** The whole object's check, when its one GET is checked as a whole here; else null. */
    Verifier.WholeGet whole;

    /** A digest of the bytes so far, for a whole object checked by a hash. */
    MessageDigest digest;

    /** The CRC of the chunk's bytes so far, kept to check the whole object against S3's. */
    Checksum crc;

    /**
     * The MD5 of the bytes so far of the multipart upload's part the chunk holds whole; or null.
     */
    MessageDigest partMd5;

    /** Which part that is, from 0; -1 when none. */
    int part = -1;

    /** Whether the whole object's bytes were checked: here, or by the SDK. */
    boolean checkedWhole;

    /** Whether a response showed the object is encrypted with a key, so its ETag is no MD5. */
    boolean encrypted;

    /** The chunk's CRC from the object's fetch before this one, to agree with; or null. */
    Long previousCrc;

    /** CRCs of this chunk's earlier complete fetches that disagreed with {@link #previousCrc}. */
    final List<Long> disagreeing = new ArrayList<>(1);

    /** Starts over from the chunk's first byte. */
    void restart() {
      position = 0;
      if (digest != null) {
        digest.reset();
      }
      if (partMd5 != null) {
        partMd5.reset();
      }
      if (crc != null) {
        crc.reset();
      }
    }
  }

  /** The bytes received do not match the object's checksum. */
  private static final class ChecksumMismatch extends IOException {
    private static final long serialVersionUID = 1L;

    ChecksumMismatch(String message) {
      super(message);
    }
  }

  /**
   * Fetches a chunk into {@code writer}: from the object's local copy when it has one and can, else
   * from S3. Returns where it ended, with the CRCs of the bytes when the sink keeps them.
   */
  Cursor fetch(
      Scope scope, ChunkTask task, Map<String, String> headers, ObjectSink sink, ChunkWriter writer)
      throws InterruptedException {
    Cursor cursor = new Cursor();
    Path local = sink.localSource();
    if (local != null && readLocal(scope, task, local, writer, cursor)) {
      return cursor;
    }
    ObjectCheck check = sink.check();
    if (check.crcAlgorithm() != null && Crcs.combinable(check.crcAlgorithm())) {
      cursor.crc = Crcs.newChecksum(check.crcAlgorithm());
      cursor.previousCrc = check.previousCrc(task.index());
    }
    cursor.part = check.streamedPart(task.index());
    if (cursor.part >= 0) {
      cursor.partMd5 = Hashes.newDigest("MD5");
    }
    String uri = task.object().uri();
    Outage outage = scope.outage();
    // Attempts that count against maxAttempts; an outage's retries do not, within its limit.
    int counted = 0;
    int riding = 0;
    long progressNanos = outage.now();
    for (int attempt = 1; ; attempt++) {
      int number = attempt;
      long answersBefore = outage.answers();
      int positionBefore = cursor.position;
      long firstByte = task.offset() + cursor.position;
      scope
          .invoker()
          .tell(
              "chunkRequested",
              uri,
              l -> l.chunkRequested(new ChunkRequested(task, number, firstByte)));
      cursor.requests++;
      if (attempt == 1) {
        limit.sending();
      } else if (!limit.awaitSending(scope.failures()::failed)) {
        throw scope.failures().failure();
      }
      try {
        try {
          attempt(scope, task, headers, writer, cursor);
        } finally {
          limit.sent();
        }
        return cursor;
      } catch (RetrieverException e) {
        throw e;
      } catch (RuntimeException | IOException e) {
        if (scope.failures().failed()) {
          throw scope.failures().failure();
        }
        if (e instanceof S3Exception s3e) {
          outage.refused();
          if (s3e.statusCode() == 503) {
            scope.metrics().slowDown();
          }
        } else if (S3Errors.timedOut(e)) {
          // No byte for the stall timeout: the store falls behind, as a 503 says.
          scope.metrics().slowDown();
        }
        if (cursor.position > positionBefore) {
          progressNanos = outage.now();
        }
        boolean corrupt = cursor.position == task.length();
        if (corrupt) {
          // Every byte arrived, and a checksum said they are wrong: fetch them all again.
          cursor.restart();
        }
        long backoff;
        if (!corrupt && outage.ridesThrough(e, answersBefore, progressNanos)) {
          backoff = outageBackoffMillis(++riding);
          scope.metrics().outageRetries.incrementAndGet();
          LOG.debug("{}: riding through an outage ({}); again in {} ms", uri, e, backoff);
          tellRetried(scope, task, number, e, backoff);
          if (backOff(scope, backoff, true)) {
            throw scope.failures().failure();
          }
          continue;
        }
        riding = 0;
        counted++;
        boolean retryable = S3Errors.retryable(e) || unchangedAfter412(scope, e, task);
        if (!retryable || counted >= settings.maxAttempts()) {
          if (corrupt) {
            throw new RetrieverException(
                Reason.CORRUPT,
                task.object().uri()
                    + " failed verification on all "
                    + counted
                    + " attempts ("
                    + e.getMessage()
                    + "); the server or the network corrupts it, or turn verification off ("
                    + Fixes.NO_VERIFY
                    + ") if the"
                    + " store's ETags are not MD5s",
                e);
          }
          throw outageOutlasted(outage, e, progressNanos)
              ? gaveUp(outage, task, e)
              : s3.describe(e, task.object().bucket(), task.object().key());
        }
        if (scope.metrics().retries.incrementAndGet() > settings.maxRetriesPerDownload()) {
          throw new RetrieverException(
              Reason.UNREACHABLE,
              "gave up after "
                  + settings.maxRetriesPerDownload()
                  + " retries in this download (the limit; see maxRetriesPerDownload):"
                  + " the endpoint fails too often; the last failure, for "
                  + task.object().uri()
                  + ": "
                  + e,
              e);
        }
        backoff = backoffMillis(counted);
        tellRetried(scope, task, number, e, backoff);
        if (backOff(scope, backoff, false)) {
          throw scope.failures().failure();
        }
      }
    }
  }

  private static void tellRetried(
      Scope scope, ChunkTask task, int attempt, Exception cause, long backoffMillis) {
    scope
        .invoker()
        .tell(
            "chunkRetried",
            task.object().uri(),
            l ->
                l.chunkRetried(
                    new ChunkRetried(task, attempt, cause, Duration.ofMillis(backoffMillis))));
  }

  /**
   * Returns whether a chunk gives up because the store stopped answering for longer than the outage
   * limit (or, with no limit, went away), rather than for a failure of its own object.
   */
  private static boolean outageOutlasted(Outage outage, Exception e, long progressNanos) {
    if (!outage.hadAnswered() || !Outage.isOutage(e)) {
      return false;
    }
    long limit = outage.limit().toNanos();
    return limit > 0 && outage.now() - progressNanos >= limit;
  }

  /**
   * Describes a chunk given up on after an outage: the store answered before, so the endpoint is
   * right, and what was fetched is kept for a rerun.
   */
  private RetrieverException gaveUp(Outage outage, ChunkTask task, Exception e) {
    String cause = S3Errors.rootCauseLine(e);
    long limit = outage.limit().toSeconds();
    return new RetrieverException(
        Reason.UNREACHABLE,
        "the store stopped answering while fetching "
            + task.object().uri()
            + (limit > 0 ? " and did not answer again within " + Text.duration(outage.limit()) : "")
            + " (last: "
            + cause
            + "); rerun when it is back"
            + (limit > 0 ? ", or allow a longer outage (" + Fixes.MAX_OUTAGE + ")" : ""),
        e);
  }

  /**
   * Returns whether a failure is a 412 for an object that has not changed after all: S3 answers 412
   * when {@code If-Match} no longer holds, but a store or a proxy in between may answer it wrongly,
   * and one HEAD tells which. Then the GET is worth sending again.
   */
  private boolean unchangedAfter412(Scope scope, Exception e, ChunkTask task) {
    if (!(e instanceof S3Exception s3e)
        || s3e.statusCode() != 412
        || task.object().eTag() == null) {
      return false;
    }
    scope.metrics().requests.incrementAndGet();
    try {
      String now = s3.head(task.object().bucket(), task.object().key()).eTag();
      return now != null && S3Access.sameETag(task.object().eTag(), now);
    } catch (RuntimeException headFailed) {
      return false;
    }
  }

  /**
   * Reads the chunk from the object's local copy. Returns false, with the cursor where reading
   * stopped, when the copy is gone, of the wrong size or unreadable: S3 then serves the rest.
   */
  private static boolean readLocal(
      Scope scope, ChunkTask task, Path local, ChunkWriter writer, Cursor cursor) {
    try (FileChannel channel = FileChannel.open(local, StandardOpenOption.READ)) {
      if (channel.size() != task.object().size()) {
        LOG.debug("{} is not the size of {}; fetching from S3", local, task.object().uri());
        return false;
      }
      channel.position(task.offset());
      InputStream in = Channels.newInputStream(channel);
      while (cursor.position < task.length()) {
        int n =
            writer.readFrom(
                in, cursor.position, Math.min(READ_SIZE, task.length() - cursor.position));
        if (n < 0) {
          return false;
        }
        cursor.position += n;
        scope.metrics().bytesDone(n);
      }
      return true;
    } catch (IOException e) {
      LOG.debug("cannot read {} ({}); fetching {} from S3", local, e, task.object().uri());
      return false;
    }
  }

  /** Sends one GET for the part of the chunk not yet received and streams it to the writer. */
  private void attempt(
      Scope scope, ChunkTask task, Map<String, String> headers, ChunkWriter writer, Cursor cursor)
      throws IOException, InterruptedException {
    boolean whole = cursor.position == 0 && task.wholeObject();
    long first = task.offset() + cursor.position;
    long last = task.offset() + task.length() - 1;
    scope.metrics().requests.incrementAndGet();
    long asked = System.nanoTime();
    try (ResponseInputStream<GetObjectResponse> body =
        s3.get(task.object(), whole ? null : "bytes=" + first + "-" + last, headers)) {
      scope.metrics().firstByte(System.nanoTime() - asked);
      scope.inFlight().add(body);
      try {
        Responses.check(task, body.response(), whole, first, last);
        Verifier.WholeGet plan =
            cursor.position == 0 && task.wholeObject()
                ? scope.verifier().wholeGet(task.object(), body.response())
                : null;
        scope.outage().answered();
        if (plan != null) {
          // A whole object is its only chunk, whose CRC no sink keeps: the field is free.
          cursor.whole = plan;
          if (plan.expectedCrc() != null) {
            cursor.crc = Crcs.newChecksum(plan.algorithm());
          }
          cursor.digest = plan.digest();
          cursor.checkedWhole = plan.checked();
        }
        if (cursor.position == 0 && Hashes.encryptedWithKey(body.response())) {
          cursor.encrypted = true;
        }
        InputStream in =
            CheckingStream.of(
                body, cursor.digest != null ? cursor.digest : cursor.partMd5, cursor.crc);
        while (cursor.position < task.length()) {
          int n =
              writer.readFrom(
                  in, cursor.position, Math.min(READ_SIZE, task.length() - cursor.position));
          if (n < 0) {
            throw new EOFException(
                "body of "
                    + task.object().uri()
                    + " ended after "
                    + (task.offset() + cursor.position)
                    + " bytes, expected "
                    + (last + 1));
          }
          cursor.position += n;
          scope.metrics().bytesDone(n);
          scope.metrics().bytesFetched.addAndGet(n);
          if (throttle != null) {
            throttle.pay(n);
          }
        }
        if (cursor.previousCrc != null) {
          confirm(task, cursor);
        }
        if (cursor.whole != null) {
          checkWhole(cursor);
        }
      } catch (IOException | RuntimeException e) {
        // A body not read to its end must not go back to the connection pool.
        body.abort();
        throw e;
      } finally {
        scope.inFlight().remove(body);
      }
    }
  }

  /** Checks a whole object's bytes against the checksum its response or its ETag stated. */
  private static void checkWhole(Cursor cursor) throws ChecksumMismatch {
    Verifier.WholeGet whole = cursor.whole;
    if (whole.expectedCrc() != null && cursor.crc.getValue() != whole.expectedCrc()) {
      String hex = whole.algorithm().equals("CRC64NVME") ? "%016x" : "%08x";
      throw new ChecksumMismatch(
          String.format(
              Locale.ROOT,
              "%s " + hex + " where %s says " + hex,
              whole.algorithm(),
              cursor.crc.getValue(),
              whole.what(),
              whole.expectedCrc()));
    }
    if (whole.digest() != null) {
      byte[] got = whole.digest().digest();
      if (!MessageDigest.isEqual(got, whole.expectedDigest())) {
        HexFormat hex = HexFormat.of();
        throw new ChecksumMismatch(
            whole.algorithm()
                + " "
                + hex.formatHex(got)
                + " where "
                + whole.what()
                + " says "
                + hex.formatHex(whole.expectedDigest()));
      }
    }
  }

  /**
   * Keeps a chunk of an object fetched again after a mismatch only when two fetches of it agree:
   * this one and the one before, or this one and an earlier try of this fetch. Otherwise the chunk
   * is fetched again: one of the two was corrupted on the way, and a third tells which.
   */
  private static void confirm(ChunkTask task, Cursor cursor) throws ChecksumMismatch {
    long got = cursor.crc.getValue();
    if (got == cursor.previousCrc || cursor.disagreeing.contains(got)) {
      return;
    }
    cursor.disagreeing.add(got);
    throw new ChecksumMismatch(
        "chunk "
            + task.index()
            + " of "
            + task.object().uri()
            + " differs from an earlier fetch of it; fetching it again to tell which is right");
  }

  /**
   * Returns a back-off through an outage: the same ceiling, with full jitter, so that of the many
   * requests waiting one goes again soon after the store is back, and its answer wakes the rest.
   */
  private static long outageBackoffMillis(int attempt) {
    long ceiling = ceilingMillis(attempt);
    return ThreadLocalRandom.current().nextLong(ceiling / 10, ceiling + 1);
  }

  private static long backoffMillis(int attempt) {
    long ceiling = ceilingMillis(attempt);
    return ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
  }

  /** The longest back-off before attempt {@code attempt + 1}: doubling from the base, capped. */
  private static long ceilingMillis(int attempt) {
    return Math.min(MAX_BACKOFF_MILLIS, BASE_BACKOFF_MILLIS << Math.min(attempt - 1, 16));
  }
}
