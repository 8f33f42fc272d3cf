package io.retriever.event;

import io.retriever.ObjectInfo;

/**
 * An object has been cut into chunks, one ranged GET each, as the chunk planner laid it out.
 *
 * @param object the object
 * @param chunks how many chunks it has (0 for an empty object)
 * @param chunkSize the most bytes a chunk holds (the Retriever's chunk size); with the default
 *     {@link io.retriever.hook.ChunkPlanner}, the bytes in each chunk but the last
 * @param resumedChunks chunks already on disk from an interrupted download, which are not fetched
 */
public record ChunksPlanned(ObjectInfo object, int chunks, int chunkSize, int resumedChunks) {}
