package io.retriever.event;

import io.retriever.ObjectInfo;

/**
 * The lister found an object that passed the request's filter.
 *
 * @param object the object
 * @param index its position in the listing, from 0
 */
public record ObjectListed(ObjectInfo object, long index) {}
