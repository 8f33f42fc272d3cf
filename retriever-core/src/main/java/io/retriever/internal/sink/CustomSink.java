package io.retriever.internal.sink;

import io.retriever.Chunk;
import io.retriever.ChunkTask;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.hook.ChunkLayout;
import io.retriever.hook.DownloadSink;
import io.retriever.internal.flow.Budget;
import io.retriever.internal.pipeline.ChunkWriter;
import io.retriever.internal.pipeline.Invoker;
import io.retriever.internal.pipeline.ObjectSink;
import io.retriever.internal.pipeline.Sink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Hands chunks to a {@link DownloadSink} of the user's: each chunk is read into a buffer of its own
 * and passed on as soon as it is complete, in no particular order; its budget is released when the
 * user's sink returns.
 */
public final class CustomSink implements Sink {
  private final DownloadSink user;

  public CustomSink(DownloadSink user) {
    this.user = user;
  }

  @Override
  public ObjectSink open(ObjectInfo object, Path target, ChunkLayout layout, long firstSequence) {
    call("objectStarted", object, () -> user.objectStarted(object));
    return new ObjectSink(object, layout) {
      @Override
      public ChunkWriter writer(ChunkTask task, long sequence, Budget.Lease lease) {
        byte[] bytes = new byte[task.length()];
        return new ChunkWriter() {
          @Override
          public int readFrom(InputStream body, int position, int max) throws IOException {
            return body.read(bytes, position, max);
          }

          @Override
          public void finish() {
            try {
              call(
                  "accept",
                  object,
                  () -> user.accept(new Chunk(task, ByteBuffer.wrap(bytes).asReadOnlyBuffer())));
            } finally {
              lease.release();
            }
          }
        };
      }

      @Override
      public void complete() {
        call("objectCompleted", object, () -> user.objectCompleted(object));
      }

      @Override
      public void discard() {
        user.objectFailed(object, failure());
      }
    };
  }

  /** A call into the user's sink. */
  private interface Step {
    void run() throws Exception;
  }

  private void call(String point, ObjectInfo object, Step step) {
    try {
      Invoker.call(
          user,
          point,
          object.uri(),
          () -> {
            step.run();
            return Boolean.TRUE;
          });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetrieverException(Reason.CANCELLED, "download cancelled", e);
    }
  }
}
