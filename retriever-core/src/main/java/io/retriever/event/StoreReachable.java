package io.retriever.event;

import java.time.Duration;

/**
 * The store answers again after an outage (a {@link StoreUnreachable} before it).
 *
 * @param downtime from the outage's first failed request to this answer
 */
public record StoreReachable(Duration downtime) {}
