package io.retriever;

/**
 * A download consumed chunk by chunk, in order: the chunks of the first object, then those of the
 * next. Objects of 0 bytes have no chunks. A chunk's budget is released when the iterator moves to
 * the next one. Iterate on one thread.
 */
public interface ChunkDownload extends Download, Iterable<Chunk> {}
