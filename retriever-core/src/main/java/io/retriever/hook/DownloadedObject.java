package io.retriever.hook;

import io.retriever.ObjectInfo;
import java.nio.file.Path;

/**
 * A completed object, as a post-download hook sees it.
 *
 * @param object the object
 * @param file where it landed, or {@code null} when not written to a file
 * @param bytes its content when held in memory, else {@code null}; do not modify
 * @param fromLocalFile true when its bytes came from a local file (a cache) rather than S3
 */
public record DownloadedObject(ObjectInfo object, Path file, byte[] bytes, boolean fromLocalFile) {}
