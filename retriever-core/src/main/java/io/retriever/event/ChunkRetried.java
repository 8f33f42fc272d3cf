package io.retriever.event;

import io.retriever.ChunkTask;
import java.time.Duration;

/**
 * An attempt at a chunk failed and will be retried after a backoff.
 *
 * @param task the chunk
 * @param attempt the attempt that failed
 * @param cause why it failed
 * @param backoff how long the worker waits before the next attempt
 */
public record ChunkRetried(ChunkTask task, int attempt, Throwable cause, Duration backoff) {}
