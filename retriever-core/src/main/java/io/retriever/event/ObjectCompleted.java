package io.retriever.event;

import io.retriever.ObjectInfo;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An object is completely downloaded: its file is in place (or its bytes held, or buffered for an
 * ordered reader) and every post-download hook has run.
 *
 * @param object the object
 * @param file where it landed, or {@code null} when not written to a file
 * @param bytesFetched bytes fetched from S3 for it in this download (0 when served from a cache)
 * @param elapsed from {@link ObjectStarted} to now
 */
public record ObjectCompleted(ObjectInfo object, Path file, long bytesFetched, Duration elapsed) {}
