package io.retriever.examples;

import io.retriever.ObjectInfo;
import io.retriever.hook.ChunkLayout;
import io.retriever.hook.ChunkPlanner;

/**
 * A chunk planner by size class: a small object in one GET; a middle-sized one (under four chunks)
 * in equal pieces, two at least, so that it arrives over several connections at once with no short
 * piece trailing behind; a large one in chunks of the chunk size, as by default. Runs on the
 * chunker thread, one object at a time.
 */
public final class SizeClassPlanner implements ChunkPlanner {
  private final long oneGetBelow;

  /** Makes a planner that fetches objects smaller than {@code oneGetBelow} bytes in one GET. */
  public SizeClassPlanner(long oneGetBelow) {
    this.oneGetBelow = oneGetBelow;
  }

  @Override
  public ChunkLayout plan(ObjectInfo object, int maxChunkSize) {
    long size = object.size();
    boolean small = size < 2 || (size < oneGetBelow && size <= maxChunkSize);
    if (small || size >= 4L * maxChunkSize) {
      return ChunkLayout.uniform(size, maxChunkSize);
    }
    // As few pieces as the chunk size allows, but two at least; their lengths differ by 1 at most.
    int pieces = (int) Math.max(2, (size + maxChunkSize - 1) / maxChunkSize);
    long[] starts = new long[pieces];
    for (int i = 0; i < pieces; i++) {
      starts[i] = size * i / pieces;
    }
    return ChunkLayout.of(size, starts);
  }
}
