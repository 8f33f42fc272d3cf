package io.retriever;

import java.time.Duration;
import java.util.List;

/**
 * What a finished download did.
 *
 * @param objects objects delivered
 * @param bytes bytes delivered to the consumer
 * @param wallTime time from the start of the download to its last byte
 * @param requests HTTP requests sent to S3 (LIST, HEAD and GET)
 * @param retries requests that were repeated after a failure
 * @param peakBufferedBytes the most bytes held in buffers at once, as the budget counted them
 * @param bytesFetched bytes fetched from S3; less than {@code bytes} when some came from a cache
 * @param objectsSkipped listed objects not downloaded: already up to date at their destination, or
 *     skipped by an interceptor
 * @param bytesResumed bytes already on disk from an interrupted download, not fetched again
 * @param objectsUnverified objects delivered without a check of their bytes, because the store
 *     offered none that applies (for example a multipart upload without checksums); 0 when
 *     verification is off
 * @param unverified the addresses of the first 100 of those
 */
public record DownloadSummary(
    long objects,
    long bytes,
    Duration wallTime,
    long requests,
    long retries,
    long peakBufferedBytes,
    long bytesFetched,
    long objectsSkipped,
    long bytesResumed,
    long objectsUnverified,
    List<String> unverified) {

  /** Makes a summary, keeping a copy of the list. */
  public DownloadSummary {
    unverified = List.copyOf(unverified);
  }

  /** Returns the effective throughput in bytes per second: bytes over wall time. */
  public double bytesPerSecond() {
    double seconds = wallTime.toNanos() / 1e9;
    return seconds <= 0 ? 0 : bytes / seconds;
  }

  /** Returns the effective throughput in MiB per second. */
  public double mibPerSecond() {
    return bytesPerSecond() / (1024 * 1024);
  }

  /** Returns the effective throughput in gigabits per second. */
  public double gbitPerSecond() {
    return bytesPerSecond() * 8 / 1e9;
  }

  /** Returns objects delivered per second. */
  public double objectsPerSecond() {
    double seconds = wallTime.toNanos() / 1e9;
    return seconds <= 0 ? 0 : objects / seconds;
  }
}
