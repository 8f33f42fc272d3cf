package io.retriever.spark.internal;

import io.retriever.spark.ObjectOutcome;
import io.retriever.spark.SparkDownloadSummary;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
  private long unverified;

  /** The keys of the first unverified objects, and why each went unchecked. */
  private final Map<String, String> firstUnverified = new LinkedHashMap<>();

  Tally add(ObjectOutcome o) {
    objects++;
    bytes += o.bytes();
    if (o.unverified()) {
      unverified++;
      nameUnverified(o.key(), o.error().substring(ObjectOutcome.NOT_VERIFIED.length()));
    }
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
    unverified += other.unverified;
    other.firstUnverified.forEach(this::nameUnverified);
    return this;
  }

  private void nameUnverified(String key, String why) {
    if (firstUnverified.size() < SparkDownloadSummary.MAX_FAILURES_NAMED) {
      firstUnverified.put(key, why);
    }
  }

  private void name(String failure) {
    if (failures.size() < SparkDownloadSummary.MAX_FAILURES_NAMED) {
      failures.add(failure);
    }
  }

  SparkDownloadSummary summary(String bucket, long[] unitBytes, int ranges, Duration elapsed) {
    List<Long> perUnit = new ArrayList<>(unitBytes.length);
    for (long b : unitBytes) {
      perUnit.add(b);
    }
    Map<String, String> named = new LinkedHashMap<>();
    firstUnverified.forEach((key, why) -> named.put("s3://" + bucket + "/" + key, why));
    return new SparkDownloadSummary(
        objects,
        bytes,
        downloaded,
        upToDate,
        failed,
        failures,
        perUnit,
        ranges,
        elapsed,
        unverified,
        named);
  }
}
