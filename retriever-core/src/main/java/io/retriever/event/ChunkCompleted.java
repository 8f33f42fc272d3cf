package io.retriever.event;

import io.retriever.ChunkTask;
import java.time.Duration;

/**
 * All of a chunk's bytes are in and handed to the sink.
 *
 * @param task the chunk
 * @param bytes its length
 * @param elapsed from its first request to its last byte
 * @param attempts how many requests it took
 */
public record ChunkCompleted(ChunkTask task, long bytes, Duration elapsed, int attempts) {}
