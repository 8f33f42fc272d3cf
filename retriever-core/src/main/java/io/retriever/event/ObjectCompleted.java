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
 * @param unverified why its bytes could not be checked as a whole, for people, or {@code null} when
 *     they were (or came from a local copy, or verification is off)
 */
public record ObjectCompleted(
    ObjectInfo object, Path file, long bytesFetched, Duration elapsed, String unverified) {
  /** Describes an object whose bytes were checked. */
  public ObjectCompleted(ObjectInfo object, Path file, long bytesFetched, Duration elapsed) {
    this(object, file, bytesFetched, elapsed, null);
  }
}
