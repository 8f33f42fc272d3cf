package io.retriever;

import java.nio.ByteBuffer;

/**
 * The downloaded bytes of one {@link ChunkTask}.
 *
 * @param task the range these bytes answer
 * @param data the bytes, read-only, {@code task.length()} of them
 */
public record Chunk(ChunkTask task, ByteBuffer data) {
  /** Returns the object these bytes belong to. */
  public ObjectInfo object() {
    return task.object();
  }
}
