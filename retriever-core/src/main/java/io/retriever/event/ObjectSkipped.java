package io.retriever.event;

import io.retriever.ObjectInfo;

/**
 * A listed object will not be downloaded: an interceptor skipped it, or the file at its destination
 * is already this version of it. No other object event follows for it.
 *
 * @param object the object
 * @param reason why, e.g. {@code "up to date"}
 */
public record ObjectSkipped(ObjectInfo object, String reason) {}
