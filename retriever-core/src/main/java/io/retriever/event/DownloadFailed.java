package io.retriever.event;

import io.retriever.ProgressSnapshot;
import io.retriever.RetrieverException;

/**
 * A download failed, was cancelled, or ended with objects that failed.
 *
 * @param error why; what {@code await()} throws
 * @param progress where the download stood when it ended
 */
public record DownloadFailed(RetrieverException error, ProgressSnapshot progress) {}
