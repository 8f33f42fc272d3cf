package io.retriever.spark;

import java.time.Duration;
import java.util.List;

/**
 * The totals of a distributed download, computed on the driver from the per-object outcomes.
 *
 * @param objects every object listed and taken by the filter
 * @param bytes their bytes
 * @param downloaded objects downloaded now
 * @param upToDate objects whose files were already there
 * @param failed objects that could not be written
 * @param firstFailures the first failed objects ({@code key: error}), at most {@value
 *     #MAX_FAILURES_NAMED}; {@link SparkDownload#failures()} has every one
 * @param unitBytes the bytes each work unit (Spark task) fetched or found in place, by unit: how
 *     evenly the work was spread
 * @param listingRanges the key ranges listed in tasks
 * @param elapsed from the start of planning to the last outcome
 */
public record SparkDownloadSummary(
    long objects,
    long bytes,
    long downloaded,
    long upToDate,
    long failed,
    List<String> firstFailures,
    List<Long> unitBytes,
    int listingRanges,
    Duration elapsed) {
  /** The most failed objects the summary names itself. */
  public static final int MAX_FAILURES_NAMED = 100;

  /** Copies the list of failures. */
  public SparkDownloadSummary {
    firstFailures = List.copyOf(firstFailures);
    unitBytes = List.copyOf(unitBytes);
  }

  /** Returns how many work units the objects were packed into. */
  public int units() {
    return unitBytes.size();
  }

  /** Returns whether every object is in place. */
  public boolean complete() {
    return failed == 0;
  }

  @Override
  public String toString() {
    return String.format(
        "%d objects (%d bytes) in %d units: %d downloaded, %d up to date, %d failed, in %.2f s",
        objects, bytes, units(), downloaded, upToDate, failed, elapsed.toMillis() / 1000.0);
  }
}
