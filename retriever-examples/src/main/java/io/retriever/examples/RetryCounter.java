package io.retriever.examples;

import io.retriever.DownloadListener;
import io.retriever.DownloadSummary;
import io.retriever.event.ChunkRetried;
import io.retriever.event.ObjectCompleted;
import java.util.concurrent.atomic.LongAdder;

/**
 * A listener: counts retries and completed objects, and prints one line at the end. Chunk events
 * come from many downloader threads at once, hence the {@link LongAdder}s.
 */
public final class RetryCounter implements DownloadListener {
  private final LongAdder retries = new LongAdder();
  private final LongAdder objects = new LongAdder();

  @Override
  public void chunkRetried(ChunkRetried event) {
    retries.increment();
  }

  @Override
  public void objectCompleted(ObjectCompleted event) {
    objects.increment();
  }

  @Override
  public void downloadCompleted(DownloadSummary summary) {
    System.out.printf("%d objects, %d retries%n", objects.sum(), retries.sum());
  }

  public long objects() {
    return objects.sum();
  }

  public long retries() {
    return retries.sum();
  }
}
