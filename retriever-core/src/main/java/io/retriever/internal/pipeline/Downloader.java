package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.internal.s3.S3Errors;
import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A downloader worker: takes admitted chunks, fetches each with a ranged, conditional GET and
 * streams the body into the chunk's writer. A body cut off part-way is fetched again from the first
 * byte not yet received, after an exponential, jittered backoff.
 *
 * <p>Concurrency: {@code concurrency} workers run at once, each on its own thread.
 */
final class Downloader {
  /** First retry backoff; doubles with each attempt. */
  private static final long BASE_BACKOFF_MILLIS = 100;

  /** Longest retry backoff. */
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  /** Most bytes asked of the body in one read. */
  private static final int READ_SIZE = 256 * 1024;

  private final Pipeline pipeline;

  Downloader(Pipeline pipeline) {
    this.pipeline = pipeline;
  }

  void run() throws Exception {
    while (true) {
      ChunkJob job;
      // The permit comes first, so that the workers allowed to fetch take chunks in order.
      pipeline.limit.acquire();
      try {
        job = pipeline.tasks.take();
        if (job == Pipeline.STOP || pipeline.failed()) {
          return;
        }
        ChunkWriter writer = job.sink().writer(job.task(), job.sequence());
        fetch(job.task(), writer);
        writer.finish();
      } finally {
        pipeline.limit.release();
      }
      pipeline.chunksFinished.incrementAndGet();
      if (job.sink().chunkFinished()) {
        pipeline.objectFinished(job.sink());
      }
    }
  }

  private void fetch(ChunkTask task, ChunkWriter writer) throws InterruptedException {
    Cursor cursor = new Cursor();
    for (int attempt = 1; ; attempt++) {
      try {
        attempt(task, writer, cursor);
        return;
      } catch (RetrieverException e) {
        throw e;
      } catch (RuntimeException | IOException e) {
        if (pipeline.failed()) {
          throw pipeline.failure();
        }
        if (e instanceof S3Exception s3 && s3.statusCode() == 503) {
          pipeline.slowDowns.incrementAndGet();
        }
        if (!S3Errors.retryable(e) || attempt >= pipeline.settings.maxAttempts()) {
          throw pipeline.s3.describe(e, task.object().bucket(), task.object().key());
        }
        pipeline.retries.incrementAndGet();
        backoff(attempt);
      }
    }
  }

  /** How far into its chunk a fetch has come, across attempts. */
  private static final class Cursor {
    /** Bytes of the chunk received so far. */
    int position;
  }

  /** Sends one GET for the part of the chunk not yet received and streams it to the writer. */
  private void attempt(ChunkTask task, ChunkWriter writer, Cursor cursor)
      throws IOException, InterruptedException {
    boolean whole = cursor.position == 0 && task.wholeObject();
    long first = task.offset() + cursor.position;
    long last = task.offset() + task.length() - 1;
    pipeline.requests.incrementAndGet();
    try (ResponseInputStream<GetObjectResponse> body =
        pipeline.s3.get(task.object(), whole ? null : "bytes=" + first + "-" + last)) {
      pipeline.inFlight.add(body);
      try {
        check(task, body.response(), whole, first, last);
        while (cursor.position < task.length()) {
          int n =
              writer.readFrom(
                  body, cursor.position, Math.min(READ_SIZE, task.length() - cursor.position));
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
          if (pipeline.throttle != null) {
            pipeline.throttle.pay(n);
          }
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

  /** Checks that the server answered the range that was asked for. */
  private static void check(
      ChunkTask task, GetObjectResponse response, boolean whole, long first, long last) {
    long expected = last - first + 1;
    Long length = response.contentLength();
    if (length != null && length != expected) {
      throw new RetrieverException(
          Reason.SERVER,
          "server sent "
              + length
              + " bytes of "
              + task.object().uri()
              + " where "
              + expected
              + " were asked for; not using them");
    }
    if (whole) {
      return;
    }
    String range = response.contentRange();
    String want = "bytes " + first + "-" + last + "/";
    if (range == null || !range.startsWith(want)) {
      throw new RetrieverException(
          Reason.SERVER,
          "server answered range '"
              + range
              + "' of "
              + task.object().uri()
              + " where '"
              + want
              + task.object().size()
              + "' was asked for; not using it");
    }
  }

  private static void backoff(int attempt) throws InterruptedException {
    long ceiling = Math.min(MAX_BACKOFF_MILLIS, BASE_BACKOFF_MILLIS << Math.min(attempt - 1, 16));
    TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
  }
}
