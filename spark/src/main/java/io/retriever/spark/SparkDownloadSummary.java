package io.retriever.spark;

import io.retriever.DownloadSummary;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * @param unverified objects downloaded whose bytes could not be checked as a whole, because the
 *     store offers no check that applies
 * @param firstUnverified the first {@value #MAX_FAILURES_NAMED} of those, by address, and why each
 *     went unchecked
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
    Duration elapsed,
    long unverified,
    Map<String, String> firstUnverified) {
  /** The most failed objects the summary names itself. */
  public static final int MAX_FAILURES_NAMED = 100;

  /** Copies the list of failures. */
  public SparkDownloadSummary {
    firstFailures = List.copyOf(firstFailures);
    unitBytes = List.copyOf(unitBytes);
    firstUnverified = Collections.unmodifiableMap(new LinkedHashMap<>(firstUnverified));
  }

  /**
   * Describes the objects downloaded unverified as {@code retriever get} does ({@link
   * DownloadSummary#describeUnverified(int)}); empty when there are none.
   */
  public String describeUnverified(int named) {
    return DownloadSummary.describeUnverified(
        unverified, List.copyOf(firstUnverified.keySet()), firstUnverified, named);
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
    String line =
        String.format(
            "%d objects (%d bytes) in %d units: %d downloaded, %d up to date, %d failed, in %.2f s",
            objects, bytes, units(), downloaded, upToDate, failed, elapsed.toMillis() / 1000.0);
    return unverified == 0 ? line : line + "; " + describeUnverified(UNVERIFIED_NAMED);
  }

  /** How many unverified objects the summary's line names. */
  private static final int UNVERIFIED_NAMED = 3;
}
