package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;

/**
 * A chunk admitted by the chunker: its range, where its bytes go and its place in the download.
 *
 * @param task the range to fetch
 * @param sink where the object's chunks go
 * @param sequence the chunk's place in download order, from 0
 */
record ChunkJob(ChunkTask task, ObjectSink sink, long sequence) {}
