package io.retriever.internal.sink;

import io.retriever.Chunk;
import io.retriever.ObjectDownload;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.internal.pipeline.Pipeline;
import io.retriever.internal.sink.OrderedSink.Planned;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

/** A download read object by object, each as a stream. */
public final class RealObjectDownload extends RealDownload implements ObjectDownload {
  private final OrderedReader reader;
  private final AtomicBoolean iterated = new AtomicBoolean();

  public RealObjectDownload(Pipeline pipeline, OrderedSink sink) {
    super(pipeline);
    this.reader = new OrderedReader(pipeline, sink);
  }

  @Override
  public Iterator<Item> iterator() {
    if (!iterated.compareAndSet(false, true)) {
      throw new IllegalStateException("a download can be iterated once");
    }
    return new Iterator<>() {
      private Planned next;
      private ObjectStream current;
      private boolean end;

      @Override
      public boolean hasNext() {
        if (end) {
          return false;
        }
        if (next == null) {
          if (current != null) {
            current.close();
            current = null;
          }
          next = reader.nextObject();
          end = next == null;
        }
        return !end;
      }

      @Override
      public Item next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        ObjectStream stream = new ObjectStream(next);
        current = stream;
        next = null;
        return new Item() {
          @Override
          public ObjectInfo object() {
            return stream.object.object();
          }

          @Override
          public InputStream stream() {
            return stream;
          }
        };
      }
    };
  }

  /** One object's bytes, chunk after chunk, as they arrive. */
  private final class ObjectStream extends InputStream {
    private final Planned object;

    /** The chunk being read, or null. */
    private Chunk chunk;

    /** The unread part of {@code chunk}'s bytes. */
    private ByteBuffer data;

    private int nextIndex;
    private boolean closed;

    ObjectStream(Planned object) {
      this.object = object;
    }

    @Override
    public int read() throws IOException {
      if (!advance()) {
        return -1;
      }
      return data.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!advance()) {
        return -1;
      }
      int n = Math.min(len, data.remaining());
      data.get(b, off, n);
      return n;
    }

    @Override
    public int available() {
      return data == null ? 0 : data.remaining();
    }

    /** Makes {@code data} non-empty; returns false at the end of the object. */
    private boolean advance() throws IOException {
      if (closed) {
        throw new IOException("stream of " + object.object().uri() + " is closed");
      }
      while (data == null || !data.hasRemaining()) {
        releaseChunk();
        if (nextIndex == object.chunks()) {
          return false;
        }
        try {
          chunk = reader.takeChecked(object, nextIndex++);
        } catch (RetrieverException e) {
          throw new IOException(e.getMessage(), e);
        }
        data = chunk.data().duplicate();
      }
      return true;
    }

    private void releaseChunk() {
      if (chunk != null) {
        // The stream never showed the chunk's buffer to anyone: its array can be reused.
        reader.recycle(chunk);
        chunk = null;
        data = null;
      }
    }

    /** Discards the unread rest of the object, giving its bytes back to the budget. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      releaseChunk();
      while (nextIndex < object.chunks()) {
        reader.recycle(reader.take(object, nextIndex++));
      }
    }
  }
}
