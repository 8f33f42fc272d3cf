package io.retriever.cli;

import static io.retriever.cli.Cli.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code retriever get} through a store that stops and comes back on the same port: the outage is
 * said (in JSON with {@code --json}) and ridden through; past {@code --max-outage}, one line says
 * what was kept and a rerun fetches only the rest.
 */
class OutageCliTest {
  @Test
  void outage_isSaidAndRiddenThrough_exit0_byteExact(@TempDir Path dir) throws Exception {
    try (LocalS3 s3 = LocalS3.builder().streamBytesPerSecond(4L << 20).start()) {
      s3.createBucket("outages");
      List<TestObject> objects =
          List.of(
              s3.putRandom("outages", "d/a.bin", 12L << 20),
              s3.putRandom("outages", "d/b.bin", 12L << 20),
              s3.putRandom("outages", "d/c.bin", 5_000));
      Path dest = dir.resolve("dest");
      Process child =
          Cli.start(
              s3,
              at(
                  s3,
                  "get",
                  "s3://outages/d/",
                  dest.toString(),
                  "--chunk-size",
                  "1MiB",
                  "-c",
                  "8",
                  "--json"));
      awaitPartFile(dest, child);
      s3.stopServing();
      Thread.sleep(3_000);
      s3.resumeServing();
      Cli.Result r = Cli.finish(child);
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stderr())
          .contains("{\"event\":\"store_unreachable\"")
          .contains("\"max_outage_s\":300")
          .contains("{\"event\":\"store_reachable\",\"downtime_s\":");
      for (TestObject o : objects) {
        Path file = dest.resolve(o.key().substring(2));
        assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
      }
      assertThat(TestFiles.temporaryFiles(dest)).isEmpty();
    }
  }

  @Test
  void outageLongerThanMaxOutage_failsInOneLine_keepsProgress_andTheRerunContinues(
      @TempDir Path dir) throws Exception {
    try (LocalS3 s3 = LocalS3.builder().streamBytesPerSecond(4L << 20).start()) {
      s3.createBucket("outages");
      TestObject big = s3.putRandom("outages", "big.bin", 24L << 20);
      Path dest = dir.resolve("dest");
      Process child =
          Cli.start(
              s3,
              at(
                  s3,
                  "get",
                  "s3://outages/big.bin",
                  dest.resolve("big.bin").toString(),
                  "--chunk-size",
                  "1MiB",
                  "-c",
                  "4",
                  "--max-outage",
                  "1s"));
      awaitPartFile(dest, child);
      Thread.sleep(1_500);
      s3.stopServing();
      Cli.Result r = Cli.finish(child);
      assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
      // The notice that the store stopped answering (again, if the outage flapped at its edge),
      // then the failure's one line.
      List<String> lines = r.stderr().strip().lines().toList();
      assertThat(lines).as(r.stderr()).allMatch(l -> l.startsWith("retriever: "));
      assertThat(lines.get(0)).startsWith("retriever: the store stopped answering (");
      assertThat(lines.get(lines.size() - 1))
          .as(r.stderr())
          .satisfies(
              line ->
                  assertThat(line)
                      .contains("the store stopped answering while fetching s3://outages/big.bin")
                      .contains("within 1 s")
                      .contains("--max-outage")
                      .contains("already fetched is kept: rerun the same command to continue")
                      .doesNotContain("check the endpoint"));
      assertThat(TestFiles.partFiles(dest, "big.bin")).hasSize(1);
      s3.resumeServing();
      long before = s3.bytesServed();
      Cli.Result rerun =
          Cli.run(
              s3,
              at(
                  s3,
                  "get",
                  "s3://outages/big.bin",
                  dest.resolve("big.bin").toString(),
                  "--chunk-size",
                  "1MiB",
                  "-c",
                  "4"));
      assertThat(rerun.exitCode()).as(rerun.stderr()).isZero();
      assertThat(rerun.out()).contains("resumed from disk");
      assertThat(s3.bytesServed() - before).isLessThan(big.size() - (1L << 20));
      assertThat(TestData.sha256(dest.resolve("big.bin"))).isEqualTo(big.sha256());
    }
  }

  /** Waits until the download has a temporary file, which it creates at its first GET. */
  private static void awaitPartFile(Path dest, Process child) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      if (!child.isAlive()) {
        throw new AssertionError("the download ended early: " + Cli.finish(child).stderr());
      }
      assertThat(System.nanoTime()).as("a temporary file within 60 s").isLessThan(deadline);
      if (Files.isDirectory(dest)) {
        try (Stream<Path> files = Files.list(dest)) {
          if (files.anyMatch(p -> p.getFileName().toString().endsWith(".retriever-part"))) {
            return;
          }
        }
      }
      Thread.sleep(20);
    }
  }
}
