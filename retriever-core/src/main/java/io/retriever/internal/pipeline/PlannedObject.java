package io.retriever.internal.pipeline;

import io.retriever.ObjectInfo;
import io.retriever.internal.verify.PartLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Future;

/**
 * A listed object on its way to the chunker, as the interceptors planned it.
 *
 * @param object the object
 * @param target its file, or null when the download writes no files
 * @param localSource a local file to read its bytes from instead of S3, or null
 * @param parts how it may have been uploaded in parts, being learned (the layout the store states,
 *     or those its size allows, the likeliest first); null for an object whose check needs none
 */
record PlannedObject(
    ObjectInfo object, Path target, Path localSource, Future<List<PartLayout>> parts) {
  /** Plans an object whose check needs no part layout. */
  PlannedObject(ObjectInfo object, Path target, Path localSource) {
    this(object, target, localSource, null);
  }
}
