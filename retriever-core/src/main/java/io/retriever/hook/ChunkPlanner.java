package io.retriever.hook;

import io.retriever.ObjectInfo;

/**
 * Decides how each object is cut into ranged GETs: one GET for a small object, halves for a middle
 * one, the parts of a multipart upload, or (the default, {@link #UNIFORM}) ranges of the chunk
 * size. The Retriever's chunk size bounds every range, since the byte budget and the buffers are
 * sized by it.
 *
 * <pre>{@code
 * ChunkPlanner halves = (object, maxChunkSize) ->
 *     object.size() > 1 && object.size() <= 2L * maxChunkSize
 *         ? ChunkLayout.of(object.size(), 0, object.size() / 2)
 *         : ChunkLayout.uniform(object.size(), maxChunkSize);
 * }</pre>
 *
 * <p>A layout is checked once per object: it must cover exactly the object's size, in chunks of at
 * most {@code maxChunkSize} bytes. One that does not, like a planner that throws, fails that object
 * with a {@link io.retriever.HookException} naming the planner (or the download, by {@link
 * io.retriever.HookFailure}). An interrupted download to files resumes only when the planner cuts
 * the object the same way again, so a planner should decide from the object alone.
 *
 * <p>Thread: the download's chunker thread, one object at a time (calls never overlap); it paces
 * every chunk's admission, so a planner should be quick and must not block.
 */
@FunctionalInterface
public interface ChunkPlanner {
  /** Cuts every object into ranges of the chunk size, the last one shorter: the default. */
  ChunkPlanner UNIFORM = (object, maxChunkSize) -> ChunkLayout.uniform(object.size(), maxChunkSize);

  /**
   * Returns how {@code object} is cut into ranges; never null.
   *
   * @param maxChunkSize the Retriever's chunk size: the most bytes any range may hold
   */
  ChunkLayout plan(ObjectInfo object, int maxChunkSize) throws Exception;
}
