package io.retriever.internal.sink;

import io.retriever.hook.ChunkLayout;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What an interrupted download left of one object in its temporary file: the chunks wholly there,
 * and how far the chunks part-way there got.
 *
 * <p>Concurrency: filled on the chunker thread when the object is opened, read by workers after.
 */
final class ResumedChunks {
  /** Chunks already in the temporary file. */
  final BitSet whole = new BitSet();

  /** For chunks part-way in the temporary file, how far. */
  final Map<Integer, Long> partial = new HashMap<>();

  /** Takes over what a journal recorded, for an object of {@code chunks} chunks. */
  void take(Journal.Contents previous, int chunks) {
    whole.or(previous.chunks());
    whole.clear(chunks, Integer.MAX_VALUE);
    previous
        .partial()
        .forEach(
            (i, n) -> {
              if (i < chunks && n > 0) {
                partial.put(i, n);
              }
            });
  }

  boolean has(int index) {
    return whole.get(index);
  }

  long within(int index) {
    return whole.get(index) ? 0 : partial.getOrDefault(index, 0L);
  }

  /** Returns how many of the bytes of an object cut as {@code layout} are there. */
  long bytes(ChunkLayout layout) {
    long total = 0;
    for (int i = whole.nextSetBit(0); i >= 0; i = whole.nextSetBit(i + 1)) {
      total += layout.length(i);
    }
    for (int i : partial.keySet()) {
      total += within(i);
    }
    return total;
  }
}
