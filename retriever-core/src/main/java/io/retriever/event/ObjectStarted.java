package io.retriever.event;

import io.retriever.ObjectInfo;
import java.nio.file.Path;

/**
 * An object's download begins. Exactly one {@link ObjectCompleted} or {@link ObjectFailed} follows
 * for it.
 *
 * @param object the object
 * @param target the file it is written to, or {@code null} when it is not written to a file
 * @param localSource the local file its bytes are read from instead of S3 (a cache entry), or
 *     {@code null} when they come from S3
 * @param resumedBytes bytes already on disk from an interrupted download, which are not fetched
 *     again
 * @param restarted true when an interrupted download of an older version of the object was found
 *     and discarded, because the object changed since
 */
public record ObjectStarted(
    ObjectInfo object, Path target, Path localSource, long resumedBytes, boolean restarted) {}
