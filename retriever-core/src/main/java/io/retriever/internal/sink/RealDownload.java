package io.retriever.internal.sink;

import io.retriever.Download;
import io.retriever.DownloadSummary;
import io.retriever.ProgressSnapshot;
import io.retriever.internal.pipeline.Pipeline;

/** The part of every download handle that only forwards to its pipeline. */
abstract class RealDownload implements Download {
  final Pipeline pipeline;

  RealDownload(Pipeline pipeline) {
    this.pipeline = pipeline;
  }

  @Override
  public DownloadSummary await() {
    return pipeline.await();
  }

  @Override
  public ProgressSnapshot progress() {
    return pipeline.progress();
  }

  @Override
  public void cancel() {
    pipeline.cancel();
  }

  @Override
  public void close() {
    pipeline.close();
  }
}
