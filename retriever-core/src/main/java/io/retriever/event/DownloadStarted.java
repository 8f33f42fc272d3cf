package io.retriever.event;

import io.retriever.DownloadRequest;
import java.time.Instant;

/**
 * A download is about to list its first object.
 *
 * @param request what is downloaded
 * @param time when it started
 */
public record DownloadStarted(DownloadRequest request, Instant time) {}
