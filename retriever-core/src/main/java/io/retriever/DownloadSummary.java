package io.retriever;

import java.time.Duration;

/**
 * What a finished download did.
 *
 * @param objects objects delivered
 * @param bytes bytes delivered to the consumer
 * @param wallTime time from the start of the download to its last byte
 * @param requests HTTP requests sent to S3 (LIST, HEAD and GET)
 * @param retries requests that were repeated after a failure
 * @param peakBufferedBytes the most bytes held in buffers at once, as the budget counted them
 */
public record DownloadSummary(
    long objects,
    long bytes,
    Duration wallTime,
    long requests,
    long retries,
    long peakBufferedBytes) {

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
