package io.retriever.examples;

import io.retriever.Chunk;
import io.retriever.ObjectInfo;
import io.retriever.hook.DownloadSink;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sink: puts each object into a key-value store (here a map) once all its chunks are in. Chunks
 * arrive on many threads in any order; each is copied to its offset in the object's buffer.
 */
public final class KeyValueSink implements DownloadSink {
  private final Map<String, byte[]> partial = new ConcurrentHashMap<>();
  private final Map<String, byte[]> store = new ConcurrentHashMap<>();

  @Override
  public void objectStarted(ObjectInfo object) {
    partial.put(object.key(), new byte[Math.toIntExact(object.size())]);
  }

  @Override
  public void accept(Chunk chunk) {
    byte[] into = partial.get(chunk.object().key());
    chunk.data().get(into, (int) chunk.task().offset(), chunk.task().length());
  }

  @Override
  public void objectCompleted(ObjectInfo object) {
    store.put(object.key(), partial.remove(object.key()));
  }

  @Override
  public void objectFailed(ObjectInfo object, Throwable error) {
    partial.remove(object.key());
  }

  /** Returns the stored objects by key. */
  public Map<String, byte[]> store() {
    return store;
  }
}
