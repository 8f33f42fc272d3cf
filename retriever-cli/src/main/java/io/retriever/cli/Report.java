package io.retriever.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.DownloadSummary;
import io.retriever.RetrieverException.Reason;
import io.retriever.Setting;
import io.retriever.event.ObjectFailed;
import io.retriever.options.Sizes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Formats a download's summary for people or as JSON. */
final class Report {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Report() {}

  /** Returns one line for people. */
  static String human(DownloadSummary s) {
    if (s.objects() == 0 && s.objectsSkipped() > 0 && s.objectsUnverified() == 0) {
      return String.format(
          Locale.ROOT,
          "Up to date: %s already downloaded, nothing fetched (%.2f s)",
          count(s.objectsSkipped(), "object"),
          s.wallTime().toNanos() / 1e9);
    }
    // The objects' size: what came in this run and what an interrupted run had left on disk.
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Downloaded %s (%s) in %.2f s: %s/s (%.2f Gbit/s",
                count(s.objects(), "object"),
                Sizes.format(s.bytes() + s.bytesResumed()),
                s.wallTime().toNanos() / 1e9,
                Sizes.format(s.bytesPerSecond()),
                s.gbitPerSecond()));
    if (s.objects() > 1) {
      line.append(", ").append(rate(s.objectsPerSecond(), "object"));
    }
    line.append("); ").append(count(s.requests(), "request"));
    line.append(", ").append(count(s.retries(), "retry", "retries"));
    return line + origin(s) + unverified(s);
  }

  /**
   * Returns "2.5 objects/s", "120 objects/s": a rate with a decimal below 10, so that a slow rate
   * never reads "1 objects/s" or "0 objects/s".
   */
  static String rate(double perSecond, String noun) {
    return perSecond < 9.95
        ? String.format(Locale.ROOT, "%.1f %ss/s", perSecond, noun)
        : String.format(Locale.ROOT, "%,.0f %ss/s", perSecond, noun);
  }

  /**
   * Returns the last line of a download some of whose objects failed: how many of how many, and
   * what to do about them. A rerun retries what can go better the next time; a file that exists and
   * is kept needs {@code --overwrite}; a key refused as a path needs neither.
   */
  static String failed(DownloadSummary s, List<ObjectFailed> failures) {
    long total = s.objects() + s.objectsSkipped() + failures.size();
    int kept = 0;
    int retryable = 0;
    for (ObjectFailed failure : failures) {
      String message = String.valueOf(failure.error().getMessage());
      if (message.contains(Setting.OVERWRITE.apiName())) {
        kept++;
      } else if (failure.error().reason() != Reason.INVALID) {
        retryable++;
      }
    }
    String line =
        String.format(
            Locale.ROOT,
            "%,d of %s failed (%s named above)",
            failures.size(),
            count(total, "object"),
            failures.size() == 1 ? "it is" : "each is");
    if (retryable > 0 && kept > 0) {
      return line
          + "; rerun the command to retry them, with --overwrite to replace the files that are"
          + " kept";
    }
    if (kept > 0) {
      return line
          + (kept == 1 ? "; its file is kept" : "; their files are kept")
          + ": rerun with --overwrite to replace "
          + (kept == 1 ? "it" : "them");
    }
    if (retryable > 0) {
      return line + "; rerun the command to retry " + (failures.size() == 1 ? "it" : "them");
    }
    return line;
  }

  /** Returns "1 object", "2 objects": a count and its noun. */
  static String count(long n, String noun) {
    return count(n, noun, noun + "s");
  }

  private static String count(long n, String one, String many) {
    return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
  }

  /** How many unverified objects the line for people names. */
  private static final int NAMED = 3;

  /** Names the objects delivered without a check, if any, and why each went unchecked. */
  private static String unverified(DownloadSummary s) {
    if (s.objectsUnverified() == 0) {
      return "";
    }
    String line = "; " + s.describeUnverified(NAMED);
    return s.objectsUnverified() > NAMED ? line + "; --json lists up to 100" : line;
  }

  /** Says where the bytes came from when not all of them came from S3 in this run. */
  private static String origin(DownloadSummary s) {
    StringBuilder line = new StringBuilder();
    if (s.bytesFetched() != s.bytes() || s.objectsSkipped() > 0 || s.bytesResumed() > 0) {
      line.append(
          String.format(Locale.ROOT, "; %s fetched from S3", Sizes.format(s.bytesFetched())));
      if (s.bytes() > s.bytesFetched()) {
        line.append(", ").append(Sizes.format(s.bytes() - s.bytesFetched())).append(" from cache");
      }
      if (s.bytesResumed() > 0) {
        line.append(", ").append(Sizes.format(s.bytesResumed())).append(" resumed from disk");
      }
      if (s.objectsSkipped() > 0) {
        line.append(", ")
            .append(count(s.objectsSkipped(), "object"))
            .append(" skipped (up to date)");
      }
    }
    return line.toString();
  }

  /** Returns the summary's fields, units in their names. */
  static Map<String, Object> fields(DownloadSummary s) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("objects", s.objects());
    fields.put("bytes", s.bytes());
    fields.put("wall_time_s", round(s.wallTime().toNanos() / 1e9));
    fields.put("throughput_mibps", round(s.mibPerSecond()));
    fields.put("throughput_gbps", round(s.gbitPerSecond()));
    fields.put("objects_per_s", round(s.objectsPerSecond()));
    fields.put("requests", s.requests());
    fields.put("retries", s.retries());
    fields.put("peak_buffered_bytes", s.peakBufferedBytes());
    fields.put("bytes_fetched", s.bytesFetched());
    fields.put("objects_skipped", s.objectsSkipped());
    fields.put("bytes_resumed", s.bytesResumed());
    fields.put("objects_unverified", s.objectsUnverified());
    fields.put("unverified", s.unverified());
    fields.put("unverified_reasons", s.unverifiedReasons());
    return fields;
  }

  /** Returns {@code fields} as one line of JSON. */
  static String json(Map<String, ?> fields) {
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("plain values always serialize", e);
    }
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
