package io.retriever.internal.sink;

import io.retriever.ChunkTask;
import io.retriever.ObjectBytes;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.hook.ChunkLayout;
import io.retriever.hook.DownloadedObject;
import io.retriever.internal.flow.Budget;
import io.retriever.internal.pipeline.ChunkWriter;
import io.retriever.internal.pipeline.ObjectSink;
import io.retriever.internal.pipeline.Sink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The sink that keeps whole objects in memory: each chunk is read straight into its object's array
 * at its offset, with no copy, and its budget released as soon as it is in.
 *
 * <p>Concurrency: the chunker opens objects; workers fill different ranges of the arrays at once.
 */
public final class MemorySink implements Sink {
  /** The largest array the JVM reliably allocates. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  /** Completed objects by listing position. */
  private final ConcurrentSkipListMap<Integer, ObjectBytes> done = new ConcurrentSkipListMap<>();

  /** Objects opened so far; only the chunker thread writes it. */
  private int opened;

  @Override
  public ObjectSink open(ObjectInfo object, Path target, ChunkLayout layout, long firstSequence) {
    byte[] bytes = allocate(object);
    int ordinal = opened++;
    return new ObjectSink(object, layout) {
      @Override
      public ChunkWriter writer(ChunkTask task, long sequence, Budget.Lease lease) {
        return new ArrayWriter(bytes, task, lease);
      }

      @Override
      public void complete() {
        done.put(ordinal, new ObjectBytes(object, bytes));
      }

      @Override
      public void revoke() {
        done.remove(ordinal);
      }

      @Override
      public boolean canReadBack() {
        return true;
      }

      @Override
      public int readBack(long position, ByteBuffer into) {
        int n = (int) Math.min(into.remaining(), bytes.length - position);
        into.put(bytes, (int) position, n);
        return n;
      }

      @Override
      public DownloadedObject result() {
        return new DownloadedObject(object, null, bytes, localSource() != null);
      }
    };
  }

  /** Returns the objects in listing order. */
  public List<ObjectBytes> objects() {
    return List.copyOf(done.values());
  }

  static byte[] allocate(ObjectInfo object) {
    if (object.size() > MAX_ARRAY) {
      throw new RetrieverException(
          Reason.INVALID,
          object.uri()
              + " is "
              + object.size()
              + " bytes, too large to hold in memory; download it to a file or read it as a stream");
    }
    return new byte[(int) object.size()];
  }

  /** Reads a chunk straight into the object's array. */
  static final class ArrayWriter implements ChunkWriter {
    private final byte[] bytes;
    private final ChunkTask task;
    private final Budget.Lease lease;

    ArrayWriter(byte[] bytes, ChunkTask task, Budget.Lease lease) {
      this.bytes = bytes;
      this.task = task;
      this.lease = lease;
    }

    @Override
    public int readFrom(InputStream body, int position, int max) throws IOException {
      return body.read(bytes, (int) task.offset() + position, max);
    }

    @Override
    public void write(ByteBuffer data) {
      data.get(bytes, (int) task.offset(), data.remaining());
    }

    @Override
    public void finish() {
      lease.release();
    }
  }
}
