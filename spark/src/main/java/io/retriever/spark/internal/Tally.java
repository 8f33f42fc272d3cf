package io.retriever.spark.internal;

import io.retriever.spark.ObjectOutcome;
import io.retriever.spark.SparkDownloadSummary;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts outcomes in each partition and merges the counts on the driver: the summary never needs
 * every outcome in one place. Names at most {@link SparkDownloadSummary#MAX_FAILURES_NAMED}
 * failures.
 *
 * <p>Concurrency: one task (or the driver's merge) at a time.
 */
final class Tally implements Serializable {
  private static final long serialVersionUID = 1L;

  private long objects;
  private long bytes;
  private long downloaded;
  private long upToDate;
  private long failed;
  private final List<String> failures = new ArrayList<>();

  Tally add(ObjectOutcome o) {
    objects++;
    bytes += o.bytes();
    switch (o.status()) {
      case ObjectOutcome.DOWNLOADED -> downloaded++;
      case ObjectOutcome.UP_TO_DATE -> upToDate++;
      default -> {
        failed++;
        name(o.key() + ": " + o.error());
      }
    }
    return this;
  }

  Tally merge(Tally other) {
    objects += other.objects;
    bytes += other.bytes;
    downloaded += other.downloaded;
    upToDate += other.upToDate;
    failed += other.failed;
    other.failures.forEach(this::name);
    return this;
  }

  private void name(String failure) {
    if (failures.size() < SparkDownloadSummary.MAX_FAILURES_NAMED) {
      failures.add(failure);
    }
  }

  SparkDownloadSummary summary(long[] unitBytes, int ranges, Duration elapsed) {
    List<Long> perUnit = new ArrayList<>(unitBytes.length);
    for (long b : unitBytes) {
      perUnit.add(b);
    }
    return new SparkDownloadSummary(
        objects, bytes, downloaded, upToDate, failed, failures, perUnit, ranges, elapsed);
  }
}
