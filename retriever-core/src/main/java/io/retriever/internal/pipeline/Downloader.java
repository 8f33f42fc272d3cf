package io.retriever.internal.pipeline;

import io.retriever.Chunk;
import io.retriever.ChunkTask;
import io.retriever.HookException;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.ChunkCompleted;
import io.retriever.event.ChunkRequested;
import io.retriever.event.ChunkRetried;
import io.retriever.hook.ChunkInterceptor;
import io.retriever.hook.ChunkRequest;
import io.retriever.internal.Fixes;
import io.retriever.internal.s3.S3Errors;
import io.retriever.internal.verify.Crcs;
import io.retriever.internal.verify.Hashes;
import io.retriever.internal.verify.ObjectCheck;
import io.retriever.internal.verify.Verifier;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.zip.Checksum;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A downloader worker: takes admitted chunks, fetches each with a ranged, conditional GET (or reads
 * it from the object's local copy) and streams the body into the chunk's writer. A body cut off
 * part-way is fetched again from the first byte not yet received, after an exponential, jittered
 * backoff. With chunk interceptors installed, each chunk is fetched whole into a buffer and passes
 * through them before it reaches the writer.
 *
 * <p>Concurrency: {@code concurrency} workers run at once, each on its own thread.
 */
final class Downloader {
  private static final Logger LOG = LoggerFactory.getLogger(Downloader.class);

  /** First retry backoff; doubles with each attempt. */
  private static final long BASE_BACKOFF_MILLIS = 100;

  /** Longest retry backoff. */
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  /** Most bytes asked of the body in one read. */
  private static final int READ_SIZE = 256 * 1024;

  private final Pipeline pipeline;
  private final List<ChunkInterceptor> interceptors;

  /** Whether every interceptor only adjusts requests, so that chunks can stream. */
  private final boolean requestsOnly;

  Downloader(Pipeline pipeline) {
    this.pipeline = pipeline;
    this.interceptors = pipeline.settings.chunkInterceptors();
    this.requestsOnly =
        interceptors.stream().allMatch(i -> i instanceof ChunkInterceptor.RequestOnly);
  }

  void run() throws Exception {
    try {
      while (true) {
        ChunkJob job;
        // The permit comes first, so that the workers allowed to fetch take chunks in order.
        pipeline.limit.acquire();
        try {
          job = pipeline.tasks.take();
          if (job == Pipeline.STOP || pipeline.failed()) {
            return;
          }
          process(job);
        } finally {
          pipeline.limit.release();
        }
        pipeline.chunksFinished.incrementAndGet();
        if (job.sink().chunkFinished()) {
          pipeline.objectFinished(job.sink());
        }
      }
    } finally {
      pipeline.workerExited();
    }
  }

  /** Fetches one chunk into its writer; a hook failure fails the chunk's object. */
  private void process(ChunkJob job) throws Exception {
    ObjectSink sink = job.sink();
    ChunkTask task = job.task();
    if (sink.failure() != null) {
      pipeline.budget.release(task.length());
      return;
    }
    long start = System.nanoTime();
    Requests sent = new Requests();
    boolean handedOn = false;
    try {
      ChunkWriter writer = sink.writer(task, job.sequence());
      if (requestsOnly) {
        Cursor done = fetch(task, adjusted(task).headers(), sink, writer, sent);
        if (done.crc != null) {
          sink.check().chunkCrc(task.index(), done.crc.getValue());
        }
        noteChecks(sink.check(), done);
      } else {
        try {
          Chunk chunk = intercept(0, job, new ChunkRequest(task, Map.of()), sent);
          writer.write(chunk.data().duplicate());
        } catch (IOException e) {
          throw new RetrieverException(
              Reason.LOCAL_IO, "cannot write " + task.object().uri() + ": " + e, e);
        } finally {
          sent.buffers.forEach(pipeline.buffers::give);
        }
      }
      handedOn = true;
      writer.finish();
      sink.check().chunkWritten(task.index());
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      pipeline.hooks.tell(
          "chunkCompleted",
          task.object().uri(),
          l -> l.chunkCompleted(new ChunkCompleted(task, task.length(), elapsed, sent.count)));
    } catch (HookException e) {
      if (!handedOn) {
        pipeline.budget.release(task.length());
      }
      pipeline.objectFailed(task.object(), sink, e);
    } catch (RetrieverException e) {
      if (!failsObjectAlone(e) || pipeline.failed()) {
        throw e;
      }
      // One object that changed, vanished or kept failing is lost; the others go on.
      if (!handedOn) {
        pipeline.budget.release(task.length());
      }
      pipeline.objectLost(task.object(), sink, e);
    }
  }

  /** Returns whether a failure concerns its object alone, not the endpoint or the download. */
  private static boolean failsObjectAlone(RetrieverException e) {
    return switch (e.reason()) {
      case CHANGED, CORRUPT, NOT_FOUND, SERVER, ACCESS_DENIED -> true;
      default -> false;
    };
  }

  /** Tells the object's check what the responses for a chunk showed about checking it. */
  private static void noteChecks(ObjectCheck check, Cursor done) {
    if (done.checkedWhole) {
      check.checkedWhole();
    }
    if (done.encrypted) {
      check.etagNotMd5();
    }
  }

  /** Returns the chunk's request as the request-only interceptors adjust it, in order. */
  private ChunkRequest adjusted(ChunkTask task) throws InterruptedException {
    ChunkRequest request = new ChunkRequest(task, Map.of());
    for (ChunkInterceptor interceptor : interceptors) {
      ChunkRequest in = request;
      UnaryOperator<ChunkRequest> adjust = ((ChunkInterceptor.RequestOnly) interceptor).adjust();
      request = Hooks.call(adjust, "interceptChunk", task.object().uri(), () -> adjust.apply(in));
      if (!request.task().equals(task)) {
        throw new HookException(
            adjust.getClass().getName(),
            "interceptChunk",
            task.object().uri(),
            new IllegalArgumentException("it changed the chunk's range; only headers may change"));
      }
    }
    return request;
  }

  /** Passes the chunk through interceptor {@code at} and those after it, then fetches it. */
  private Chunk intercept(int at, ChunkJob job, ChunkRequest request, Requests sent)
      throws InterruptedException {
    ChunkTask task = job.task();
    if (at == interceptors.size()) {
      if (!request.task().equals(task)) {
        throw new HookException(
            interceptors.get(at - 1).getClass().getName(),
            "interceptChunk",
            task.object().uri(),
            new IllegalArgumentException("it changed the chunk's range; only headers may change"));
      }
      byte[] bytes = pipeline.buffers.take(task.length());
      sent.buffers.add(bytes);
      Cursor done = fetch(task, request.headers(), job.sink(), new ArrayWriter(bytes, task), sent);
      if (done.crc != null) {
        job.sink().check().chunkCrc(task.index(), done.crc.getValue());
      }
      noteChecks(job.sink().check(), done);
      return new Chunk(task, ByteBuffer.wrap(bytes, 0, task.length()).slice().asReadOnlyBuffer());
    }
    ChunkInterceptor interceptor = interceptors.get(at);
    ChunkInterceptor.ChunkChain chain =
        new ChunkInterceptor.ChunkChain() {
          @Override
          public ChunkRequest request() {
            return request;
          }

          @Override
          public Chunk proceed(ChunkRequest next) throws InterruptedException {
            return intercept(at + 1, job, next, sent);
          }
        };
    Chunk chunk =
        Hooks.call(
            interceptor, "interceptChunk", task.object().uri(), () -> interceptor.intercept(chain));
    if (!chunk.task().equals(task) || chunk.data().remaining() != task.length()) {
      throw new HookException(
          interceptor.getClass().getName(),
          "interceptChunk",
          task.object().uri(),
          new IllegalStateException(
              "it returned "
                  + chunk.data().remaining()
                  + " bytes for a chunk of "
                  + task.length()
                  + "; a chunk interceptor must keep the chunk's length"));
    }
    return chunk;
  }

  /** What one chunk used: the GETs sent for it, and the buffers it was fetched into. */
  private static final class Requests {
    int count;
    final List<byte[]> buffers = new ArrayList<>(1);
  }

  /** How far into its chunk a fetch has come, across attempts. */
  private static final class Cursor {
    /** Bytes of the chunk received so far. */
    int position;

    /** The MD5 of the bytes so far, when the object's ETag is one to check it against. */
    MessageDigest md5;

    /** The CRC of the chunk's bytes so far, kept to check the whole object against S3's. */
    Checksum crc;

    /** The CRC-64/NVME S3 sent with a whole object, which {@link #crc} must end equal to. */
    Long expectedCrc;

    /** Whether the whole object's bytes were checked: by MD5, CRC-64/NVME, or the SDK. */
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
      md5 = null;
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
  private Cursor fetch(
      ChunkTask task,
      Map<String, String> headers,
      ObjectSink sink,
      ChunkWriter writer,
      Requests sent)
      throws InterruptedException {
    Cursor cursor = new Cursor();
    Path local = sink.localSource();
    if (local != null && readLocal(task, local, writer, cursor)) {
      return cursor;
    }
    ObjectCheck check = sink.check();
    if (check.crcAlgorithm() != null && Crcs.combinable(check.crcAlgorithm())) {
      cursor.crc = Crcs.newChecksum(check.crcAlgorithm());
      cursor.previousCrc = check.previousCrc(task.index());
    }
    String uri = task.object().uri();
    for (int attempt = 1; ; attempt++) {
      int number = attempt;
      long firstByte = task.offset() + cursor.position;
      pipeline.hooks.tell(
          "chunkRequested",
          uri,
          l -> l.chunkRequested(new ChunkRequested(task, number, firstByte)));
      sent.count++;
      try {
        attempt(task, headers, writer, cursor);
        return cursor;
      } catch (RetrieverException e) {
        throw e;
      } catch (RuntimeException | IOException e) {
        if (pipeline.failed()) {
          throw pipeline.failure();
        }
        if (e instanceof S3Exception s3 && s3.statusCode() == 503) {
          pipeline.slowDowns.incrementAndGet();
        }
        boolean corrupt = cursor.position == task.length();
        if (corrupt) {
          // Every byte arrived, and a checksum said they are wrong: fetch them all again.
          cursor.restart();
        }
        boolean retryable = S3Errors.retryable(e) || unchangedAfter412(e, task);
        if (!retryable || attempt >= pipeline.settings.maxAttempts()) {
          if (corrupt) {
            throw new RetrieverException(
                Reason.CORRUPT,
                task.object().uri()
                    + " failed verification on all "
                    + attempt
                    + " attempts ("
                    + e.getMessage()
                    + "); the server or the network corrupts it, or turn verification off ("
                    + Fixes.NO_VERIFY
                    + ") if the"
                    + " store's ETags are not MD5s",
                e);
          }
          throw pipeline.s3.describe(e, task.object().bucket(), task.object().key());
        }
        if (pipeline.retries.incrementAndGet() > pipeline.settings.maxRetriesPerDownload()) {
          throw new RetrieverException(
              Reason.UNREACHABLE,
              "gave up after "
                  + pipeline.settings.maxRetriesPerDownload()
                  + " retries in this download (the limit; see maxRetriesPerDownload):"
                  + " the endpoint fails too often; the last failure, for "
                  + task.object().uri()
                  + ": "
                  + e,
              e);
        }
        long backoff = backoffMillis(attempt);
        pipeline.hooks.tell(
            "chunkRetried",
            uri,
            l -> l.chunkRetried(new ChunkRetried(task, number, e, Duration.ofMillis(backoff))));
        TimeUnit.MILLISECONDS.sleep(backoff);
      }
    }
  }

  /**
   * Returns whether a failure is a 412 for an object that has not changed after all: S3 answers 412
   * when {@code If-Match} no longer holds, but a store or a proxy in between may answer it wrongly,
   * and one HEAD tells which. Then the GET is worth sending again.
   */
  private boolean unchangedAfter412(Exception e, ChunkTask task) {
    if (!(e instanceof S3Exception s3) || s3.statusCode() != 412 || task.object().eTag() == null) {
      return false;
    }
    pipeline.requests.incrementAndGet();
    try {
      String now = pipeline.s3.head(task.object().bucket(), task.object().key()).eTag();
      return now != null && bareETag(now).equals(bareETag(task.object().eTag()));
    } catch (RuntimeException headFailed) {
      return false;
    }
  }

  /**
   * Reads the chunk from the object's local copy. Returns false, with the cursor where reading
   * stopped, when the copy is gone, of the wrong size or unreadable: S3 then serves the rest.
   */
  private boolean readLocal(ChunkTask task, Path local, ChunkWriter writer, Cursor cursor) {
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
        pipeline.bytesDone.addAndGet(n);
      }
      return true;
    } catch (IOException e) {
      LOG.debug("cannot read {} ({}); fetching {} from S3", local, e, task.object().uri());
      return false;
    }
  }

  /** Sends one GET for the part of the chunk not yet received and streams it to the writer. */
  private void attempt(
      ChunkTask task, Map<String, String> headers, ChunkWriter writer, Cursor cursor)
      throws IOException, InterruptedException {
    boolean whole = cursor.position == 0 && task.wholeObject();
    long first = task.offset() + cursor.position;
    long last = task.offset() + task.length() - 1;
    pipeline.requests.incrementAndGet();
    try (ResponseInputStream<GetObjectResponse> body =
        pipeline.s3.get(task.object(), whole ? null : "bytes=" + first + "-" + last, headers)) {
      pipeline.inFlight.add(body);
      try {
        check(task, body.response(), whole, first, last);
        checkVersion(task, body.response());
        Verifier.WholeGet plan =
            cursor.position == 0 && task.wholeObject()
                ? pipeline.verifier.wholeGet(task.object(), body.response())
                : null;
        if (plan != null) {
          // A whole object is its only chunk, whose CRC no sink keeps: the field is free.
          cursor.expectedCrc = plan.expectedCrc();
          if (cursor.expectedCrc != null) {
            cursor.crc = Crcs.newChecksum("CRC64NVME");
          } else {
            cursor.md5 = plan.md5();
          }
          cursor.checkedWhole = plan.checked();
        }
        if (cursor.position == 0 && Hashes.encryptedWithKey(body.response())) {
          cursor.encrypted = true;
        }
        InputStream in =
            cursor.md5 != null
                ? new DigestingStream(body, cursor.md5)
                : cursor.crc != null ? new CrcStream(body, cursor.crc) : body;
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
          pipeline.bytesDone.addAndGet(n);
          pipeline.bytesFetched.addAndGet(n);
          if (pipeline.throttle != null) {
            pipeline.throttle.pay(n);
          }
        }
        if (cursor.md5 != null) {
          String got = HexFormat.of().formatHex(cursor.md5.digest());
          String want = Hashes.plainMd5(task.object().eTag());
          if (!got.equals(want)) {
            throw new ChecksumMismatch("MD5 " + got + " where the ETag says " + want);
          }
        }
        if (cursor.previousCrc != null) {
          confirm(task, cursor);
        }
        if (cursor.expectedCrc != null && cursor.crc.getValue() != cursor.expectedCrc) {
          throw new ChecksumMismatch(
              String.format(
                  Locale.ROOT,
                  "CRC64NVME %016x where S3 says %016x",
                  cursor.crc.getValue(),
                  cursor.expectedCrc));
        }
      } catch (IOException | RuntimeException e) {
        // A body not read to its end must not go back to the connection pool.
        body.abort();
        throw e;
      } finally {
        pipeline.inFlight.remove(body);
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

  /** Feeds what is read through it to a digest. */
  private static final class DigestingStream extends FilterInputStream {
    private final MessageDigest digest;

    DigestingStream(InputStream in, MessageDigest digest) {
      super(in);
      this.digest = digest;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        digest.update((byte) b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        digest.update(b, off, n);
      }
      return n;
    }
  }

  /** Feeds what is read through it to a CRC. */
  private static final class CrcStream extends FilterInputStream {
    private final Checksum crc;

    CrcStream(InputStream in, Checksum crc) {
      super(in);
      this.crc = crc;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        crc.update(b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        crc.update(b, off, n);
      }
      return n;
    }
  }

  /**
   * Checks that the server answered what was asked for: the status, the length and the range.
   * Anything else is a fault of this response, fetched again like a cut connection.
   */
  private static void check(
      ChunkTask task, GetObjectResponse response, boolean whole, long first, long last)
      throws UnexpectedResponse {
    String uri = task.object().uri();
    int status = response.sdkHttpResponse().statusCode();
    if (status != (whole ? 200 : 206)) {
      throw new UnexpectedResponse(
          "server answered HTTP "
              + status
              + " to a "
              + (whole ? "whole" : "ranged")
              + " GET of "
              + uri);
    }
    long expected = last - first + 1;
    Long length = response.contentLength();
    if (length != null && length != expected) {
      throw new UnexpectedResponse(
          "server sent " + length + " bytes of " + uri + " where " + expected + " were asked for");
    }
    if (whole) {
      return;
    }
    String range = response.contentRange();
    String want = "bytes " + first + "-" + last + "/" + task.object().size();
    if (range == null || !range.equals(want)) {
      throw new UnexpectedResponse(
          "server answered range '"
              + range
              + "' of "
              + uri
              + " where '"
              + want
              + "' was asked for");
    }
  }

  /**
   * Checks that the response is of the version that was listed: S3 honours {@code If-Match}, but a
   * store or a cache in between that does not must not mix another version's bytes in.
   */
  private static void checkVersion(ChunkTask task, GetObjectResponse response)
      throws UnexpectedResponse {
    String listed = task.object().eTag();
    String got = response.eTag();
    if (listed != null && got != null && !bareETag(listed).equals(bareETag(got))) {
      throw new UnexpectedResponse(
          "server sent "
              + task.object().uri()
              + " with ETag "
              + got
              + " where "
              + listed
              + " was listed (another version)");
    }
  }

  private static String bareETag(String eTag) {
    String bare = eTag.startsWith("W/") ? eTag.substring(2) : eTag;
    return bare.replace("\"", "");
  }

  /** A response that is not what was asked for: a fault of that response, to be retried. */
  static final class UnexpectedResponse extends IOException {
    private static final long serialVersionUID = 1L;

    UnexpectedResponse(String message) {
      super(message + "; not using it");
    }
  }

  private static long backoffMillis(int attempt) {
    long ceiling = Math.min(MAX_BACKOFF_MILLIS, BASE_BACKOFF_MILLIS << Math.min(attempt - 1, 16));
    return ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
  }

  /** Reads a chunk into an array of its own, for interceptors. */
  private record ArrayWriter(byte[] bytes, ChunkTask task) implements ChunkWriter {
    @Override
    public int readFrom(InputStream body, int position, int max) throws IOException {
      return body.read(bytes, position, max);
    }

    @Override
    public void finish() {}
  }
}
