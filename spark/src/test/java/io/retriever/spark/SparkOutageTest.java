package io.retriever.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store stops in the middle of a Spark download and comes back on the same port: the tasks ride
 * through the outage, as every download on the core does, and every object arrives byte-exact.
 */
class SparkOutageTest {
  private static final int CHUNK = 1 << 20;

  private final SparkSession spark = SharedSpark.session();

  @Test
  void outageMidDownload_isRiddenThroughByTheTasks_everyObjectByteExact(@TempDir Path dir)
      throws Exception {
    try (LocalS3 s3 = LocalS3.builder().streamBytesPerSecond(4L << 20).start()) {
      s3.createBucket("spark-outage");
      List<TestObject> objects = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        objects.add(s3.putRandom("spark-outage", "d/o" + i + ".bin", 3L * CHUNK + i * 1_001));
      }
      CompletableFuture<SparkDownloadSummary> running =
          CompletableFuture.supplyAsync(
              () ->
                  RetrieverSpark.download(
                          spark,
                          "spark-outage",
                          "d/",
                          dir,
                          SharedSpark.options(s3).chunkSize(CHUNK).build())
                      .summary());
      awaitFirstFile(dir, running);
      s3.stopServing();
      Thread.sleep(3_000);
      s3.resumeServing();
      SparkDownloadSummary summary = running.get(120, TimeUnit.SECONDS);
      assertThat(summary.failed()).isZero();
      assertThat(summary.downloaded()).isEqualTo(objects.size());
      for (TestObject o : objects) {
        Path file = dir.resolve(o.key().substring("d/".length()));
        assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
      }
      assertThat(SharedSpark.leftovers(dir)).isEmpty();
    }
  }

  /** Waits until a task has created a file in {@code dir}: the listing is over, GETs are out. */
  private static void awaitFirstFile(Path dir, CompletableFuture<?> running) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      if (running.isDone()) {
        running.get();
        throw new AssertionError("the download ended before the outage");
      }
      assertThat(System.nanoTime()).as("a file within 60 s").isLessThan(deadline);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.walk(dir)) {
          if (files.anyMatch(p -> p.getFileName().toString().endsWith(".retriever-part"))) {
            return;
          }
        }
      }
      Thread.sleep(20);
    }
  }
}
