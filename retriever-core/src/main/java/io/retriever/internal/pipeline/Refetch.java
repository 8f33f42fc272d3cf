package io.retriever.internal.pipeline;

import io.retriever.hook.ChunkLayout;

/**
 * An object for the chunker to plan: listed, or handed back by the finisher after its bytes proved
 * wrong.
 *
 * @param planned the object as the interceptors planned it
 * @param attempt which fetch of it this is, from 1
 * @param layout how the fetch before cut it, to cut it so again (so that its chunks' CRCs apply);
 *     or null on the first fetch
 * @param previousCrcs its chunks' CRCs from the fetch before, to agree with; or null
 */
record Refetch(PlannedObject planned, int attempt, ChunkLayout layout, long[] previousCrcs) {}
