package io.retriever;

import java.time.Duration;
import java.util.Map;

/**
 * Where a running download stands.
 *
 * @param objectsListed objects found so far
 * @param bytesListed total size of the objects found so far
 * @param listingComplete whether every object has been found, so the totals are final
 * @param objectsDone objects completely downloaded
 * @param bytesDone bytes downloaded
 * @param bufferedBytes bytes held in buffers now, as the budget counts them
 * @param elapsed time since the download started
 * @param chunksInFlight chunks admitted by the budget and not yet finished
 * @param requests HTTP requests sent so far
 * @param retries requests repeated after a failure so far
 * @param queueDepths items waiting at the input of each stage, by stage name ({@code chunker},
 *     {@code downloader})
 * @param concurrency how many GETs may run at once now (it moves when a throughput target is set)
 * @param objectsSkipped listed objects not downloaded (up to date, or skipped by an interceptor)
 * @param objectsFailed objects that failed while the rest of the download went on
 * @param bytesFetched bytes fetched from S3, as opposed to read from a local copy
 */
public record ProgressSnapshot(
    long objectsListed,
    long bytesListed,
    boolean listingComplete,
    long objectsDone,
    long bytesDone,
    long bufferedBytes,
    Duration elapsed,
    long chunksInFlight,
    long requests,
    long retries,
    Map<String, Integer> queueDepths,
    int concurrency,
    long objectsSkipped,
    long objectsFailed,
    long bytesFetched) {

  /** Copies the queue depths. */
  public ProgressSnapshot {
    queueDepths = Map.copyOf(queueDepths);
  }

  /** Returns the average throughput so far in bytes per second. */
  public double bytesPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : bytesDone / seconds;
  }
}
