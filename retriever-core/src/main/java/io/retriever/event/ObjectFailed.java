package io.retriever.event;

import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;

/**
 * An object could not be downloaded; nothing of it is left under its final name. The rest of the
 * download goes on, unless the failure policy says otherwise.
 *
 * @param object the object
 * @param error why
 */
public record ObjectFailed(ObjectInfo object, RetrieverException error) {}
