package io.retriever.internal.pipeline;

/**
 * An object for the chunker to plan: listed, or handed back by the finisher after its bytes proved
 * wrong.
 *
 * @param planned the object as the interceptors planned it
 * @param attempt which fetch of it this is, from 1
 * @param previousCrcs its chunks' CRCs from the fetch before, to agree with; or null
 */
record Refetch(PlannedObject planned, int attempt, long[] previousCrcs) {}
