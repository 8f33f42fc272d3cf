package io.retriever.internal.pipeline;

import io.retriever.Chunk;
import io.retriever.ChunkTask;
import io.retriever.HookException;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.ChunkCompleted;
import io.retriever.hook.ChunkInterceptor;
import io.retriever.hook.ChunkRequest;
import io.retriever.internal.Settings;
import io.retriever.internal.flow.Clock;
import io.retriever.internal.flow.ConcurrencyLimit;
import io.retriever.internal.flow.Throttle;
import io.retriever.internal.s3.S3Access;
import io.retriever.internal.verify.ObjectCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

/**
 * The downloader stage: the workers a Retriever's downloads share. Each takes the next admitted
 * chunk of any download, in admission order and only while the concurrency limit allows, fetches it
 * (through the chunk interceptors, if any) into the chunk's writer, and hands the object to its
 * download's finisher when its last chunk is in.
 *
 * <p>With chunk interceptors that need the bytes, each chunk is fetched whole into a pooled buffer
 * and passes through them before it reaches the writer; when every interceptor only adjusts the
 * request ({@link ChunkInterceptor.RequestOnly}), the same chain runs and the fetch at its end
 * streams straight into the writer.
 *
 * <p>Concurrency: {@code concurrency} workers run {@link #runWorker} at once, each on its own
 * thread.
 */
final class Downloader {
  private final BlockingQueue<Work> work;
  private final ConcurrencyLimit limit;
  private final BufferPool buffers;
  private final Clock clock;
  private final Fetcher fetcher;
  private final List<ChunkInterceptor> interceptors;

  /** Whether no interceptor needs the bytes, so that chunks stream to their writer. */
  private final boolean streams;

  Downloader(
      Settings settings,
      S3Access s3,
      BlockingQueue<Work> work,
      ConcurrencyLimit limit,
      BufferPool buffers,
      Throttle throttle,
      Clock clock) {
    this.work = work;
    this.limit = limit;
    this.buffers = buffers;
    this.clock = clock;
    this.fetcher = new Fetcher(settings, s3, throttle, limit);
    this.interceptors = settings.chunkInterceptors();
    this.streams = interceptors.stream().allMatch(i -> i instanceof ChunkInterceptor.RequestOnly);
  }

  /** A worker: runs until the Retriever closes. */
  void runWorker() {
    try {
      while (true) {
        // The permit comes first, so that the workers allowed to fetch take chunks in order.
        limit.acquire();
        Work next = null;
        try {
          next = work.take();
          if (!next.claim()) {
            next = null; // Withdrawn by its failed download as this worker took it.
            continue;
          }
          run(next);
        } finally {
          limit.release();
          if (next != null) {
            done(next);
          }
        }
      }
    } catch (InterruptedException e) {
      // The Retriever closed.
    }
  }

  /** Fetches one chunk unless its download or object has failed; a failure fails its download. */
  private void run(Work next) throws InterruptedException {
    Scope scope = next.scope();
    if (scope.failures().failed() || next.sink().failure() != null) {
      next.lease().release();
      return;
    }
    scope.metrics().countRequestsOnThisThread();
    try {
      process(next);
    } catch (RetrieverException e) {
      scope.failures().fail(e);
    } catch (InterruptedException e) {
      scope.failures().cancel();
      throw e;
    } catch (RuntimeException | Error e) {
      scope.failures().fail(new RetrieverException(Reason.SERVER, "downloader failed: " + e, e));
    }
  }

  /** Counts a chunk done and hands its object on when it was the last. */
  private static void done(Work next) throws InterruptedException {
    Scope scope = next.scope();
    try {
      scope.metrics().chunksFinished.incrementAndGet();
      if (next.sink().chunkFinished()) {
        scope.finished(next.sink());
      }
    } finally {
      scope.workDone();
    }
  }

  /** Fetches one chunk into its writer; a hook failure or a lost object fails the object alone. */
  private void process(Work next) throws InterruptedException {
    Scope scope = next.scope();
    ObjectSink sink = next.sink();
    ChunkTask task = next.task();
    long start = clock.nanoTime();
    int[] requests = new int[1];
    List<byte[]> taken = new ArrayList<>(1);
    // Until the writer has the chunk's bytes, the lease is this worker's to give back.
    boolean handedOn = false;
    try {
      ChunkWriter writer = sink.writer(task, next.sequence(), next.lease());
      try {
        Chunk chunk =
            Invoker.chain(
                interceptors,
                "interceptChunk",
                task.object().uri(),
                new ChunkRequest(task, Map.of()),
                (interceptor, request, rest) ->
                    intercept(interceptor, request, rest, task, streams),
                request -> fetch(scope, sink, task, request, writer, requests, taken));
        if (!streams) {
          writer.write(chunk.data().duplicate());
        }
        handedOn = true;
        writer.finish();
      } catch (IOException e) {
        throw new RetrieverException(
            Reason.LOCAL_IO, "cannot write " + task.object().uri() + ": " + e, e);
      } finally {
        taken.forEach(buffers::give);
      }
      sink.check().chunkWritten(task.index());
      Duration elapsed = Duration.ofNanos(clock.nanoTime() - start);
      scope
          .invoker()
          .tell(
              "chunkCompleted",
              task.object().uri(),
              l -> l.chunkCompleted(new ChunkCompleted(task, task.length(), elapsed, requests[0])));
    } catch (HookException e) {
      scope.failures().hookFailed(task.object(), sink, e);
    } catch (RetrieverException e) {
      if (!failsObjectAlone(e) || scope.failures().failed()) {
        throw e;
      }
      // One object that changed, vanished or kept failing is lost; the others go on.
      scope.failures().objectLost(task.object(), sink, e);
    } finally {
      if (!handedOn) {
        next.lease().release();
      }
    }
  }

  /** Runs one interceptor, holding it to the chunk's range and length. */
  private static Chunk intercept(
      ChunkInterceptor interceptor,
      ChunkRequest request,
      Invoker.Next<ChunkRequest, Chunk> rest,
      ChunkTask task,
      boolean streams)
      throws Exception {
    Chunk chunk =
        interceptor.intercept(
            new ChunkInterceptor.ChunkChain() {
              @Override
              public ChunkRequest request() {
                return request;
              }

              @Override
              public Chunk proceed(ChunkRequest next) throws InterruptedException {
                if (!next.task().equals(task)) {
                  throw new HookException(
                      interceptor.getClass().getName(),
                      "interceptChunk",
                      task.object().uri(),
                      new IllegalArgumentException(
                          "it changed the chunk's range; only headers may change"));
                }
                return rest.proceed(next);
              }
            });
    if (streams) {
      // Request-only interceptors pass on what the streaming fetch returned, which holds no bytes.
      return chunk;
    }
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

  /**
   * The end of the chain: fetches the chunk, straight into its writer when the chunks stream, else
   * into a pooled buffer that the interceptors see.
   */
  private Chunk fetch(
      Scope scope,
      ObjectSink sink,
      ChunkTask task,
      ChunkRequest request,
      ChunkWriter writer,
      int[] requests,
      List<byte[]> taken)
      throws InterruptedException {
    if (streams) {
      Fetcher.Cursor done = fetcher.fetch(scope, task, request.headers(), sink, writer);
      requests[0] += done.requests;
      noteChecks(sink, task, done);
      return new Chunk(task, STREAMED);
    }
    byte[] bytes = buffers.take(task.length());
    taken.add(bytes);
    Fetcher.Cursor done =
        fetcher.fetch(scope, task, request.headers(), sink, new ArrayWriter(bytes));
    requests[0] += done.requests;
    noteChecks(sink, task, done);
    return new Chunk(task, ByteBuffer.wrap(bytes, 0, task.length()).slice().asReadOnlyBuffer());
  }

  /** The data of a chunk whose bytes went straight to its writer: none to show. */
  private static final ByteBuffer STREAMED = ByteBuffer.allocate(0).asReadOnlyBuffer();

  /** Tells the object's check what the responses for a chunk showed about checking it. */
  private static void noteChecks(ObjectSink sink, ChunkTask task, Fetcher.Cursor done) {
    ObjectCheck check = sink.check();
    if (done.crc != null) {
      check.chunkCrc(task.index(), done.crc.getValue());
    }
    if (done.partMd5 != null) {
      check.partMd5(done.part, done.partMd5.digest());
    }
    if (done.checkedWhole) {
      check.checkedWhole();
    }
    if (done.encrypted) {
      check.etagNotMd5();
    }
  }

  /** Returns whether a failure concerns its object alone, not the endpoint or the download. */
  private static boolean failsObjectAlone(RetrieverException e) {
    return switch (e.reason()) {
      case CHANGED, CORRUPT, NOT_FOUND, SERVER, ACCESS_DENIED -> true;
      default -> false;
    };
  }

  /** Reads a chunk into an array of its own, for interceptors. */
  private record ArrayWriter(byte[] bytes) implements ChunkWriter {
    @Override
    public int readFrom(InputStream body, int position, int max) throws IOException {
      return body.read(bytes, position, max);
    }

    @Override
    public void finish() {}
  }
}
