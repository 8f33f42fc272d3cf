package io.retriever;

import java.nio.file.Path;

/**
 * An object downloaded to a file.
 *
 * @param object the object
 * @param path where it landed
 * @param bytes its content when the download also keeps it in memory, else {@code null}
 */
public record DownloadedFile(ObjectInfo object, Path path, byte[] bytes) {}
