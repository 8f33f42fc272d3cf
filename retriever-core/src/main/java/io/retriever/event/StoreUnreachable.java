package io.retriever.event;

import java.time.Duration;
import java.time.Instant;

/**
 * The store, which had answered before, stopped answering: the download rides through the outage,
 * retrying each range from its last byte with back-off, until the store answers again or a range
 * has gone {@code limit} without progress.
 *
 * @param since when the first request of the outage failed
 * @param cause the failure that began it
 * @param limit how long a range may go without progress before the download gives up on it
 */
public record StoreUnreachable(Instant since, Throwable cause, Duration limit) {}
