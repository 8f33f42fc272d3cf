package io.retriever.internal.sink;

import io.retriever.MemoryDownload;
import io.retriever.ObjectBytes;
import io.retriever.internal.pipeline.Pipeline;
import java.util.List;

/** A download into memory. */
public final class RealMemoryDownload extends RealDownload implements MemoryDownload {
  private final MemorySink sink;

  public RealMemoryDownload(Pipeline pipeline, MemorySink sink) {
    super(pipeline);
    this.sink = sink;
  }

  @Override
  public List<ObjectBytes> objects() {
    await();
    return sink.objects();
  }
}
