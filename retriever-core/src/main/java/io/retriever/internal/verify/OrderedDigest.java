package io.retriever.internal.verify;

import io.retriever.hook.ChunkLayout;
import io.retriever.internal.pipeline.ObjectSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * Hashes a range of an object fetched in chunks (the whole object, or one part of a multipart
 * upload), in order, while its chunks are still arriving: a hash such as MD5 or SHA-256 cannot be
 * combined from pieces, so the bytes are read back from where the sink put them (the temporary
 * file, through the page cache, or the object's array) as soon as the chunks before them are in.
 *
 * Concurrency: workers call chunkDone for different chunks at once. At most one drain runs at a
 * time, on the given executor: `pending` counts the notices not yet looked at, and the thread that
 * raises it from 0 starts a drain, which runs until it has seen them all. Chunks are hashed by that
 * drain alone, so the digest needs no lock; `done` is guarded by `this`.
 */
/**
 * Hashes a range of an object's bytes in order as its chunks complete, reading them back from its
 * sink.
 */
final class OrderedDigest {
  /**
   * Bytes read back at a time: no more than the JDK keeps a temporary direct buffer for per thread
   * (the launcher caps that at 256 KiB), or every read would allocate and free one.
   */
  private static final int READ_SIZE = 256 << 10;

  private final ObjectSink sink;
  private final MessageDigest digest;
  private final ChunkLayout layout;
  private final Executor executor;

  /** The first byte of the object hashed. */
  private final long start;

  /** The byte after the last one hashed. */
  private final long end;

  /** The first chunk holding bytes of the range. */
  private final int first;

  /** The chunk after the last one holding bytes of the range. */
  private final int chunks;

  /** Chunks whose bytes are all written. Guarded by {@code this}. */
  private final BitSet done = new BitSet();

  /** The first chunk not yet hashed; touched only by the drain. */
  private int next;

  /** Notices not yet looked at by a drain. */
  private final AtomicInteger pending = new AtomicInteger();

  /** The digest of the whole object, or why it could not be had. */
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();

  /** Hashes the whole object. */
  OrderedDigest(ObjectSink sink, MessageDigest digest, Executor executor) {
    this(sink, digest, executor, 0, sink.object().size());
  }

  /** Hashes bytes {@code [start, end)} of the object, a range of at least one byte. */
  OrderedDigest(ObjectSink sink, MessageDigest digest, Executor executor, long start, long end) {
    this.sink = sink;
    this.digest = digest;
    this.layout = sink.layout();
    this.executor = executor;
    this.start = start;
    this.end = end;
    this.first = start == end ? 0 : chunkAt(layout, start);
    this.chunks = start == end ? 0 : chunkAt(layout, end - 1) + 1;
    this.next = first;
  }

  /** Returns the chunk that holds byte {@code position} of the object. */
  static int chunkAt(ChunkLayout layout, long position) {
    int low = 0;
    int high = layout.count() - 1;
    while (low < high) {
      int middle = (low + high + 1) >>> 1;
      if (layout.offset(middle) <= position) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  /** Returns whether chunk {@code index} holds bytes of the range. */
  boolean covers(int index) {
    return index >= first && index < chunks;
  }

  /** Records that chunk {@code index} is written, and hashes what is now in order. */
  void chunkDone(int index) {
    synchronized (this) {
      done.set(index);
    }
    if (pending.getAndIncrement() == 0) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        result.completeExceptionally(e); // The download is ending.
      }
    }
  }

  private void drain() {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(READ_SIZE, Math.max(1, end - start)));
    try {
      do {
        while (next < chunks && isDone(next)) {
          hash(next, buffer);
          next++;
        }
        if (next == chunks) {
          result.complete(digest.digest());
          return;
        }
      } while (pending.decrementAndGet() != 0);
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  private synchronized boolean isDone(int index) {
    return done.get(index);
  }

  private void hash(int index, ByteBuffer buffer) throws IOException {
    long position = Math.max(start, layout.offset(index));
    long end = Math.min(this.end, layout.offset(index) + layout.length(index));
    while (position < end) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
      int n = sink.readBack(position, buffer);
      if (n <= 0) {
        throw new IOException(
            "only " + position + " bytes of " + sink.object().uri() + " could be read back");
      }
      buffer.flip();
      digest.update(buffer);
      position += n;
    }
  }

  /**
   * Waits for the digest of the whole object; called after the last chunk is done.
   *
   * @throws IOException when the bytes could not be read back
   */
  byte[] await() throws IOException, InterruptedException {
    try {
      return result.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException(cause);
    }
  }
}
