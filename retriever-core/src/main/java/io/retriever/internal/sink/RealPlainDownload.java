package io.retriever.internal.sink;

import io.retriever.internal.pipeline.Pipeline;

/** A download into a sink of the user's. */
public final class RealPlainDownload extends RealDownload {
  public RealPlainDownload(Pipeline pipeline) {
    super(pipeline);
  }
}
