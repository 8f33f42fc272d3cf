package io.retriever.event;

import io.retriever.ObjectInfo;

/**
 * An object has been split into chunks, one ranged GET each.
 *
 * @param object the object
 * @param chunks how many chunks it has (0 for an empty object)
 * @param chunkSize the bytes in each chunk but the last
 * @param resumedChunks chunks already on disk from an interrupted download, which are not fetched
 */
public record ChunksPlanned(ObjectInfo object, int chunks, int chunkSize, int resumedChunks) {}
