package io.retriever.internal.sink;

import io.retriever.Chunk;
import io.retriever.ChunkTask;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.hook.ChunkLayout;
import io.retriever.internal.flow.Budget;
import io.retriever.internal.pipeline.BufferPool;
import io.retriever.internal.pipeline.ChunkWriter;
import io.retriever.internal.pipeline.ObjectSink;
import io.retriever.internal.pipeline.Sink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sink for ordered consumers (streams of objects, iterators of chunks): each chunk is read into
 * its own buffer and waits in the {@link Sequencer} until the consumer takes it; the consumer gives
 * its bytes back to the budget with {@link #release}, which closes the chunk's lease. When the
 * download fails, the leases of every chunk not yet released are closed at once.
 *
 * <p>Concurrency: the chunker opens objects; workers write chunks; one consumer thread calls {@link
 * #nextObject}, {@link #take} and {@link #release}.
 */
public final class OrderedSink implements Sink {
  /**
   * An object as the consumer sees it: its chunks are sequence numbers from the first.
   *
   * @param checked done once the object is checked as a whole (failed with why, when its bytes
   *     proved wrong): its last chunk is handed over only then
   */
  public record Planned(
      ObjectInfo object, int chunks, long firstSequence, CompletableFuture<Void> checked) {}

  private static final Planned END =
      new Planned(new ObjectInfo("", "", 0, null, null), 0, -1, new CompletableFuture<>());
  private static final Planned FAILED =
      new Planned(new ObjectInfo("", "", 0, null, null), 0, -1, new CompletableFuture<>());

  /** How long a consumer waits for an object's check before it looks at the download again. */
  private static final long CHECK_POLL_MILLIS = 50;

  private final Sequencer sequencer = new Sequencer();

  /** Objects in download order, then END (or FAILED). */
  private final BlockingQueue<Planned> order = new LinkedBlockingQueue<>();

  private volatile RetrieverException failure;

  /** Arrays of whole chunks, reused when the consumer cannot see them any more. */
  private final BufferPool buffers;

  /** The array and lease under each chunk not yet released, by identity. Guarded by itself. */
  private final Map<Chunk, Held> held = new IdentityHashMap<>();

  /** Whether the download failed, so that no chunk is held any more. Guarded by {@code held}. */
  private boolean dropped;

  /** A chunk's array and the lease its bytes hold. */
  private record Held(byte[] array, Budget.Lease lease) {}

  /** Makes a sink whose chunk arrays come from {@code buffers}. */
  public OrderedSink(BufferPool buffers) {
    this.buffers = buffers;
  }

  @Override
  public ObjectSink open(ObjectInfo object, Path target, ChunkLayout layout, long firstSequence) {
    CompletableFuture<Void> checked = new CompletableFuture<>();
    order.add(new Planned(object, layout.count(), firstSequence, checked));
    return new ObjectSink(object, layout) {
      @Override
      public ChunkWriter writer(ChunkTask task, long sequence, Budget.Lease lease) {
        return new BufferWriter(task, sequence, lease);
      }

      @Override
      public void complete() {
        checked.complete(null);
      }

      @Override
      public void discard() {
        RetrieverException why = failure();
        checked.completeExceptionally(
            why != null
                ? why
                : new RetrieverException(
                    Reason.SERVER, object.uri() + " failed before it could be checked"));
      }
    };
  }

  @Override
  public void listingDone() {
    order.add(END);
  }

  @Override
  public void failed(RetrieverException error) {
    failure = error;
    order.add(FAILED);
    sequencer.fail(error);
    List<Held> released;
    synchronized (held) {
      dropped = true;
      released = List.copyOf(held.values());
      held.clear();
    }
    released.forEach(h -> h.lease().release());
  }

  @Override
  public boolean ordered() {
    return true;
  }

  /**
   * Waits for the next object in order; returns null after the last one.
   *
   * @throws RetrieverException the download's failure
   */
  public Planned nextObject() throws InterruptedException {
    Planned next = order.take();
    if (next == FAILED) {
      order.add(FAILED);
      throw failure;
    }
    if (next == END) {
      order.add(END);
      return null;
    }
    return next;
  }

  /** Waits for the chunk with this sequence number. */
  public Chunk take(long sequence) throws InterruptedException {
    return sequencer.take(sequence);
  }

  /**
   * Waits for chunk {@code index} of {@code object}, and for the last one also until the object is
   * checked as a whole: a consumer reaches the end of an object only once its bytes are known
   * right.
   *
   * @throws RetrieverException why the object or the download failed
   */
  public Chunk takeChecked(Planned object, int index) throws InterruptedException {
    Chunk chunk = take(object.firstSequence() + index);
    if (index == object.chunks() - 1) {
      while (true) {
        try {
          object.checked().get(CHECK_POLL_MILLIS, TimeUnit.MILLISECONDS);
          break;
        } catch (ExecutionException e) {
          release(chunk);
          throw e.getCause() instanceof RetrieverException r
              ? r
              : new RetrieverException(Reason.SERVER, String.valueOf(e.getCause()), e);
        } catch (TimeoutException e) {
          if (failure != null) {
            release(chunk);
            throw failure;
          }
        }
      }
    }
    return chunk;
  }

  /** Gives a taken chunk's bytes back to the budget. */
  public void release(Chunk chunk) {
    Held h = forget(chunk);
    if (h != null) {
      h.lease().release();
    }
  }

  /**
   * Gives a taken chunk's bytes back to the budget and its array back for reuse: only for a
   * consumer that never let the chunk out of its hands (a stream), as its bytes will be
   * overwritten.
   */
  public void recycle(Chunk chunk) {
    Held h = forget(chunk);
    if (h != null) {
      buffers.give(h.array());
      h.lease().release();
    }
  }

  /** Forgets and returns the array and lease under {@code chunk}, or null if released already. */
  private Held forget(Chunk chunk) {
    synchronized (held) {
      return held.remove(chunk);
    }
  }

  /** Reads one chunk into a buffer of its own, then hands it to the sequencer. */
  private final class BufferWriter implements ChunkWriter {
    private final ChunkTask task;
    private final long sequence;
    private final byte[] buffer;
    private final Budget.Lease lease;

    BufferWriter(ChunkTask task, long sequence, Budget.Lease lease) {
      this.task = task;
      this.sequence = sequence;
      this.lease = lease;
      this.buffer = buffers.take(task.length());
    }

    @Override
    public int readFrom(InputStream body, int position, int max) throws IOException {
      return body.read(buffer, position, max);
    }

    @Override
    public void finish() {
      Chunk chunk = new Chunk(task, ByteBuffer.wrap(buffer, 0, task.length()).asReadOnlyBuffer());
      synchronized (held) {
        if (!dropped) {
          held.put(chunk, new Held(buffer, lease));
          sequencer.put(sequence, chunk);
          return;
        }
      }
      // The download failed while this chunk was on its way: no one will take it.
      lease.release();
    }
  }
}
