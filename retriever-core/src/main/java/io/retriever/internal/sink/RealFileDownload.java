package io.retriever.internal.sink;

import io.retriever.DownloadedFile;
import io.retriever.FileDownload;
import io.retriever.internal.pipeline.Pipeline;
import java.util.List;

/** A download into files. */
public final class RealFileDownload extends RealDownload implements FileDownload {
  private final FileSink sink;

  public RealFileDownload(Pipeline pipeline, FileSink sink) {
    super(pipeline);
    this.sink = sink;
  }

  @Override
  public List<DownloadedFile> files() {
    await();
    return sink.files();
  }
}
