package io.retriever.cli;

import static io.retriever.cli.Cli.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.Faults;
import io.retriever.testkit.Faults.Kind;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under faults, the command prints its own lines only: no library's log line or stack trace, as the
 * command runs from the launcher (its own logging set-up, no test configuration).
 */
class CleanStderrTest {
  private static final Kind[] MIXED = {
    Kind.SLOW_DOWN, Kind.INTERNAL_ERROR, Kind.RESET_BEFORE_HEADERS, Kind.CLOSE_MID_BODY
  };

  @Test
  void get_mixedFaultsRecovered_stderrEmpty(@TempDir Path dir) throws Exception {
    Faults faults = Faults.random(11, 0.3, MIXED).afterBytes(30_000);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("clean");
      List<TestObject> objects = s3.putMany("clean", 20, 200_000, i -> "d/" + i + ".bin");
      Path dest = dir.resolve("dest");
      Cli.Result result =
          Cli.runAsLauncher(
              s3, at(s3, "get", "s3://clean/d/", dest.toString(), "--chunk-size", "64KiB", "-q"));
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stderr()).isEmpty();
      assertThat(faults.injected()).isPositive();
      for (TestObject o : objects) {
        String name = o.key().substring("d/".length());
        assertThat(TestData.sha256(dest.resolve(name))).as(name).isEqualTo(o.sha256());
      }
    }
  }

  @Test
  void get_mixedFaultsOnEveryGet_stderrIsOneLinePerFailedObjectAndTheOutcome(@TempDir Path dir)
      throws Exception {
    Faults faults = Faults.random(12, 1.0, MIXED).afterBytes(30_000);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("clean");
      s3.putMany("clean", 8, 200_000, i -> "d/" + i + ".bin");
      Cli.Result result =
          Cli.runAsLauncher(
              s3,
              at(
                  s3,
                  "get",
                  "s3://clean/d/",
                  dir.resolve("dest").toString(),
                  "--chunk-size",
                  "64KiB",
                  "--stall-timeout",
                  "2",
                  // Every GET fails: with no outage to ride through, each counts as an attempt.
                  "--max-outage",
                  "0",
                  "-q"));
      assertThat(result.exitCode()).isEqualTo(1);
      // Each object fails alone, named on a line of its own; the last line says the outcome.
      List<String> lines = result.stderr().strip().lines().toList();
      assertThat(lines)
          .as(result.stderr())
          .hasSize(9)
          .allSatisfy(line -> assertThat(line).startsWith("retriever: "));
      assertThat(lines.subList(0, 8))
          .allSatisfy(line -> assertThat(line).startsWith("retriever: failed: "));
      assertThat(lines.get(8))
          .isEqualTo(
              "retriever: 8 of 8 objects failed (each is named above); rerun the command to retry"
                  + " them");
    }
  }
}
