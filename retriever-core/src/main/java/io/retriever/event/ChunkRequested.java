package io.retriever.event;

import io.retriever.ChunkTask;

/**
 * A GET for a chunk is about to be sent.
 *
 * @param task the chunk
 * @param attempt 1 for the first request, 2 for the first retry, and so on
 * @param firstByte the first byte asked for, within the object: after a body broke off, the retry
 *     asks only for what was not yet received
 */
public record ChunkRequested(ChunkTask task, int attempt, long firstByte) {}
