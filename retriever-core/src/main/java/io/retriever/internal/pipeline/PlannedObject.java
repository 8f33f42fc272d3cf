package io.retriever.internal.pipeline;

import io.retriever.ObjectInfo;
import java.nio.file.Path;

/**
 * A listed object on its way to the chunker, as the interceptors planned it.
 *
 * @param object the object
 * @param target its file, or null when the download writes no files
 * @param localSource a local file to read its bytes from instead of S3, or null
 */
record PlannedObject(ObjectInfo object, Path target, Path localSource) {}
