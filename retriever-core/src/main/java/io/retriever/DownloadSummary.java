package io.retriever;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
 *     offered none that applies (for example an object whose ETag is not an MD5 and that has no
 *     checksum); 0 when verification is off
 * @param unverified the addresses of the first 100 of those
 * @param unverifiedReasons why each of those went unchecked, by address, for people ("the store
 *     keeps no checksum for it and its ETag is not an MD5")
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
    List<String> unverified,
    Map<String, String> unverifiedReasons) {

  /** Makes a summary that gives no reason for its unverified objects. */
  public DownloadSummary(
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
    this(
        objects,
        bytes,
        wallTime,
        requests,
        retries,
        peakBufferedBytes,
        bytesFetched,
        objectsSkipped,
        bytesResumed,
        objectsUnverified,
        unverified,
        Map.of());
  }

  /** Makes a summary, keeping a copy of the list and the reasons, in their order. */
  public DownloadSummary {
    unverified = List.copyOf(unverified);
    unverifiedReasons = Collections.unmodifiableMap(new LinkedHashMap<>(unverifiedReasons));
  }

  /**
   * Describes the objects delivered unverified, for people: how many, the first {@code named} of
   * them with why each went unchecked, and how many more; empty when there are none.
   *
   * <p>For example {@code 1 object unverified: s3://b/k.bin (uploaded in 3 parts, whose size the
   * store does not state and the object's size does not tell)}.
   */
  public String describeUnverified(int named) {
    return describeUnverified(objectsUnverified, unverified, unverifiedReasons, named);
  }

  /**
   * Describes objects delivered unverified as {@link #describeUnverified(int)} does, from their
   * count, the addresses of the first of them and why each went unchecked: for front-ends that
   * gather these from several downloads.
   */
  public static String describeUnverified(
      long objectsUnverified,
      List<String> unverified,
      Map<String, String> unverifiedReasons,
      int named) {
    if (objectsUnverified == 0) {
      return "";
    }
    Map<String, List<String>> byReason = new LinkedHashMap<>();
    List<String> shown = unverified.subList(0, Math.min(Math.max(0, named), unverified.size()));
    for (String uri : shown) {
      String why = unverifiedReasons.getOrDefault(uri, "no check the store offers applies to it");
      byReason.computeIfAbsent(why, k -> new ArrayList<>()).add(uri);
    }
    StringBuilder text =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%,d %s unverified",
                objectsUnverified,
                objectsUnverified == 1 ? "object" : "objects"));
    String separator = ": ";
    for (Map.Entry<String, List<String>> group : byReason.entrySet()) {
      text.append(separator)
          .append(String.join(", ", group.getValue()))
          .append(" (")
          .append(group.getKey())
          .append(')');
      separator = "; ";
    }
    if (objectsUnverified > shown.size()) {
      text.append(String.format(Locale.ROOT, " and %,d more", objectsUnverified - shown.size()));
    }
    return text.toString();
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
