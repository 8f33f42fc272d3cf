package io.retriever.bench.run;

import io.retriever.DownloadListener;
import io.retriever.DownloadSummary;
import io.retriever.ProgressSnapshot;
import io.retriever.event.ChunkCompleted;
import io.retriever.event.ChunkRequested;
import io.retriever.event.ChunkRetried;
import io.retriever.event.ChunksPlanned;
import io.retriever.event.DownloadFailed;
import io.retriever.event.DownloadStarted;
import io.retriever.event.ObjectCompleted;
import io.retriever.event.ObjectFailed;
import io.retriever.event.ObjectListed;
import io.retriever.event.ObjectSkipped;
import io.retriever.event.ObjectStarted;
import io.retriever.hook.ChunkInterceptor;
import io.retriever.hook.ObjectInterceptor;

/**
 * Hooks that do nothing, to measure what installing hooks costs: the {@code retriever-listener} and
 * {@code retriever-hooks} implementations of the benchmark.
 */
final class NoopHooks {
  /** Passes every object on unchanged. */
  static final ObjectInterceptor OBJECT = ObjectInterceptor.ObjectChain::proceed;

  /** Passes every chunk on unchanged (which makes the pipeline buffer each chunk whole). */
  static final ChunkInterceptor CHUNK = ChunkInterceptor.ChunkChain::proceed;

  /** Adds a header to every GET, without seeing the bytes (so chunks still stream). */
  static final ChunkInterceptor HEADERS =
      ChunkInterceptor.requestOnly(r -> r.withHeader("x-amz-request-payer", "requester"));

  private NoopHooks() {}

  /** Overrides every hook point with an empty body, so that each is dispatched. */
  static final class Listener implements DownloadListener {
    @Override
    public void downloadStarted(DownloadStarted event) {}

    @Override
    public void objectListed(ObjectListed event) {}

    @Override
    public void objectSkipped(ObjectSkipped event) {}

    @Override
    public void objectStarted(ObjectStarted event) {}

    @Override
    public void chunksPlanned(ChunksPlanned event) {}

    @Override
    public void chunkRequested(ChunkRequested event) {}

    @Override
    public void chunkRetried(ChunkRetried event) {}

    @Override
    public void chunkCompleted(ChunkCompleted event) {}

    @Override
    public void objectCompleted(ObjectCompleted event) {}

    @Override
    public void objectFailed(ObjectFailed event) {}

    @Override
    public void progress(ProgressSnapshot snapshot) {}

    @Override
    public void downloadCompleted(DownloadSummary summary) {}

    @Override
    public void downloadFailed(DownloadFailed event) {}
  }
}
