package io.retriever.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.DownloadSummary;
import io.retriever.ObjectInfo;
import io.retriever.ProgressSnapshot;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.ObjectFailed;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The numbers people read: time left, sizes of resumed downloads, rates and plurals. */
class NumbersTest {
  private static final long MIB = 1L << 20;

  private static ProgressSnapshot snapshot(long bytesDone, long total, Duration elapsed) {
    return new ProgressSnapshot(
        1, total, true, 0, bytesDone, 0, elapsed, 4, 10, 0, Map.of(), 64, 0, 0, bytesDone);
  }

  @Test
  void progress_rateNearZero_showsNoAbsurdTimeLeft() {
    String line = ProgressBar.render(snapshot(10 * MIB, 300 * MIB, Duration.ofSeconds(5)), 1e-12);
    assertThat(line).doesNotContain("ETA").contains("stalled");
    line = ProgressBar.render(snapshot(10 * MIB, 300 * MIB, Duration.ofSeconds(5)), 0);
    assertThat(line).doesNotContain("ETA").contains("stalled");
  }

  @Test
  void progress_slowButMoving_showsHoursOrNothingPastOneHundred() {
    String hours = ProgressBar.render(snapshot(0, 300 * MIB, Duration.ofSeconds(5)), 20_000);
    assertThat(hours).contains("ETA 4:22:09");
    String tooFar = ProgressBar.render(snapshot(MIB, 300 * MIB, Duration.ofSeconds(5)), 100);
    assertThat(tooFar).doesNotContain("ETA").doesNotContain("stalled");
    String minutes = ProgressBar.render(snapshot(MIB, 61 * MIB, Duration.ofSeconds(5)), MIB);
    assertThat(minutes).contains("ETA 1:00");
  }

  @Test
  void progress_noByteForSeconds_saysStalled() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    bar.progress(snapshot(0, 300 * MIB, Duration.ofMillis(100)));
    bar.progress(snapshot(50 * MIB, 300 * MIB, Duration.ofSeconds(1)));
    bar.progress(snapshot(50 * MIB, 300 * MIB, Duration.ofSeconds(2)));
    assertThat(last(bytes)).contains("ETA").doesNotContain("stalled");
    bar.progress(snapshot(50 * MIB, 300 * MIB, Duration.ofSeconds(5)));
    assertThat(last(bytes)).contains("0 B/s").contains("stalled").doesNotContain("ETA");
    bar.progress(snapshot(60 * MIB, 300 * MIB, Duration.ofSeconds(6)));
    assertThat(last(bytes)).contains("ETA").doesNotContain("stalled");
  }

  private static String last(ByteArrayOutputStream bytes) {
    String all = bytes.toString(StandardCharsets.UTF_8);
    return all.substring(all.lastIndexOf('\r') + 1);
  }

  private static DownloadSummary summary(
      long objects, long bytes, long fetched, long skipped, long resumed, double seconds) {
    return new DownloadSummary(
        objects,
        bytes,
        Duration.ofMillis(Math.round(seconds * 1000)),
        objects + 1,
        0,
        0,
        fetched,
        skipped,
        resumed,
        0,
        List.of());
  }

  @Test
  void resumedDownload_saysTheObjectsSize_andApartWhatWasFetchedAndResumed() {
    long fetched = Math.round(190.9 * MIB);
    long resumed = 300 * MIB - fetched;
    String line = Report.human(summary(1, fetched, fetched, 0, resumed, 2));
    assertThat(line)
        .startsWith("Downloaded 1 object (300.0 MiB) in 2.00 s: ")
        .endsWith("; 190.9 MiB fetched from S3, 109.1 MiB resumed from disk");
  }

  @Test
  void rates_andCounts_agreeWithTheirNumbers() {
    assertThat(Report.human(summary(3, 3 * MIB, 3 * MIB, 0, 0, 2.5)))
        .contains("1.2 objects/s")
        .doesNotContain("1 objects");
    assertThat(Report.human(summary(2, MIB, MIB, 0, 0, 20))).contains("0.1 objects/s");
    assertThat(Report.human(summary(2000, MIB, MIB, 0, 0, 2))).contains("1,000 objects/s");
    assertThat(Report.human(summary(1, MIB, MIB, 0, 0, 1))).contains("; 2 requests, 0 retries");
    assertThat(Report.count(1, "object")).isEqualTo("1 object");
    assertThat(Report.count(0, "object")).isEqualTo("0 objects");
  }

  @Test
  void failedObjects_areCountedAgainstEveryObjectAskedFor_withAdviceThatHelps() {
    ObjectFailed kept =
        failure(
            Reason.INVALID,
            "/x/a was changed locally since Retriever downloaded s3://b/a to it, so it is kept;"
                + " overwriting (FileOptions.withOverwrite(true)) replaces it");
    ObjectFailed server = failure(Reason.SERVER, "s3://b/c: the server answered 500");
    ObjectFailed refused = failure(Reason.INVALID, "refusing key 'b/../x': it holds ..");

    assertThat(Report.failed(summary(0, 0, 0, 298, 0, 1), List.of(kept, kept)))
        .isEqualTo(
            "2 of 300 objects failed (each is named above); their files are kept: rerun with"
                + " --overwrite to replace them");
    assertThat(Report.failed(summary(2, 10, 10, 0, 0, 1), List.of(server)))
        .isEqualTo("1 of 3 objects failed (it is named above); rerun the command to retry it");
    assertThat(Report.failed(summary(2, 10, 10, 0, 0, 1), List.of(refused)))
        .isEqualTo("1 of 3 objects failed (it is named above)");
    assertThat(Report.failed(summary(0, 0, 0, 0, 0, 1), List.of(server, kept)))
        .isEqualTo(
            "2 of 2 objects failed (each is named above); rerun the command to retry them, with"
                + " --overwrite to replace the files that are kept");
  }

  private static ObjectFailed failure(Reason reason, String message) {
    return new ObjectFailed(
        new ObjectInfo("b", "k", 1, "\"e\"", null), new RetrieverException(reason, message));
  }
}
