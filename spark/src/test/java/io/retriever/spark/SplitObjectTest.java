package io.retriever.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.spark.internal.TaskProbe;
import io.retriever.testkit.Faults;
import io.retriever.testkit.Faults.Kind;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Skew: one large object among many small ones is split across work units in byte ranges, so that
 * no task is the straggler; its pieces, written by different tasks, are checked whole before the
 * file gets its name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SplitObjectTest {
  private static final String BUCKET = "skew";
  private static final int CHUNK = 1 << 20;
  private static final long SPLIT = 4L << 20;
  private static final long LARGE = 64L << 20;

  private final SparkSession spark = SharedSpark.session();
  private LocalS3 s3;
  private final List<TestObject> objects = new ArrayList<>();
  private TestObject large;

  @BeforeAll
  void start() {
    s3 = LocalS3.start();
    s3.createBucket(BUCKET);
    objects.addAll(s3.putMany(BUCKET, 200, 4096, i -> String.format("data/small/s-%04d.bin", i)));
    large = s3.putRandom(BUCKET, "data/large.bin", LARGE + 12345);
    objects.add(large);
  }

  @AfterAll
  void stop() throws Exception {
    s3.close();
  }

  @AfterEach
  void quiet() {
    TaskProbe.reset();
  }

  @Test
  void largeAmongSmall_splitAcrossUnits_balancedByBytesAndByteExact(@TempDir Path dir)
      throws IOException {
    SparkDownload download = RetrieverSpark.download(spark, BUCKET, "data/", dir, options());

    SparkDownloadSummary summary = download.summary();
    assertThat(summary.failed()).isZero();
    assertThat(summary.downloaded()).isEqualTo(objects.size());
    List<Long> perUnit = summary.unitBytes();
    System.out.println("bytes per work unit (task): " + perUnit);
    long total = perUnit.stream().mapToLong(Long::longValue).sum();
    assertThat(total).isEqualTo(objects.stream().mapToLong(TestObject::size).sum());
    // Whole, the large object alone would be 3 units' share; split, no unit takes much more than
    // a fair share of the cost (bytes plus 256 KiB per object).
    long meanCost = (total + objects.size() * (256L << 10)) / perUnit.size();
    assertThat(perUnit).allSatisfy(b -> assertThat(b).isLessThan(meanCost + SPLIT));
    assertThat(perUnit.stream().filter(b -> b > SPLIT).count())
        .as("units holding a piece of the large object")
        .isGreaterThanOrEqualTo(3);
    assertEveryObjectOnce(download, dir);
  }

  @Test
  void pieceTaskFailsAfterWriting_retriedBySparkAndByteExact(@TempDir Path dir) throws IOException {
    AtomicReference<String> failed = new AtomicReference<>();
    TaskProbe.set(
        new TaskProbe.Probe() {
          @Override
          public void fileDone(int unit, int filesDone, int unitObjects) {}

          @Override
          public void pieceWritten(int unit, String key, long start, long end) {
            if (TaskContext.get().attemptNumber() == 0
                && start > 0
                && failed.compareAndSet(null, unit + ": " + start)) {
              throw new IllegalStateException("injected: piece task lost after writing");
            }
          }
        });

    SparkDownload download = RetrieverSpark.download(spark, BUCKET, "data/", dir, options());

    assertThat(failed.get()).as("the injected failure fired").isNotNull();
    assertThat(download.summary().failed()).isZero();
    assertEveryObjectOnce(download, dir);
  }

  @Test
  void storeLiesAboutRanges_everyLieCaughtAndByteExact(@TempDir Path dir) throws Exception {
    Faults lies =
        Faults.random(
                42,
                0.1,
                Kind.SHIFTED_BODY,
                Kind.WRONG_RANGE,
                Kind.WHOLE_OBJECT,
                Kind.OTHER_VERSION,
                Kind.CORRUPT_BYTE,
                Kind.CLOSE_MID_BODY,
                Kind.INTERNAL_ERROR)
            .afterBytes(1000);
    try (LocalS3 liar = LocalS3.builder().faults(lies).start()) {
      liar.createBucket(BUCKET);
      lies.enabled(false);
      TestObject o = liar.putRandom(BUCKET, "lies/one.bin", 24L * CHUNK + 7);
      lies.enabled(true);

      SparkDownload download =
          RetrieverSpark.download(
              spark,
              BUCKET,
              "lies/",
              dir,
              SharedSpark.options(liar).chunkSize(CHUNK).splitSize(SPLIT).build());

      lies.enabled(false);
      assertThat(lies.injected()).as("faults injected").isPositive();
      assertThat(download.summary().failed()).isZero();
      assertThat(download.summary().units()).isGreaterThan(1);
      assertThat(TestData.sha256(dir.resolve("one.bin"))).isEqualTo(o.sha256());
      assertThat(leftovers(dir)).isEmpty();
    }
  }

  /**
   * Two downloads of the same objects into one place at once: every task's work done twice,
   * concurrently, as Spark's speculation does for a slow task. (A local Spark never launches a
   * speculative copy itself: Spark runs a copy only on another host than the first attempt's.)
   */
  @Test
  void twoDownloadsIntoOnePlaceAtOnce_bothCompleteByteExact(@TempDir Path dir) throws Exception {
    CompletableFuture<SparkDownload> first =
        CompletableFuture.supplyAsync(
            () -> RetrieverSpark.download(spark, BUCKET, "data/", dir, options()));
    SparkDownload second = RetrieverSpark.download(spark, BUCKET, "data/", dir, options());

    for (SparkDownload d : List.of(first.get(2, TimeUnit.MINUTES), second)) {
      assertThat(d.summary().failed()).as(d.summary().firstFailures().toString()).isZero();
      assertThat(d.summary().downloaded() + d.summary().upToDate()).isEqualTo(objects.size());
      assertEveryObjectOnce(d, dir);
    }
  }

  @Test
  void someoneElsesFileInTheWay_splitObjectFailedAndNamedFileKept(@TempDir Path dir)
      throws IOException {
    Path mine = dir.resolve("large.bin");
    Files.writeString(mine, "not the object");

    SparkDownload download = RetrieverSpark.download(spark, BUCKET, "data/large", dir, options());

    assertThat(download.summary().failed()).isEqualTo(1);
    assertThat(download.summary().firstFailures())
        .singleElement()
        .asString()
        .startsWith("data/large.bin: ")
        .contains("allow overwriting");
    assertThat(Files.readString(mine)).isEqualTo("not the object");
    assertThat(leftovers(dir)).isEmpty();
  }

  @Test
  void again_largeObjectUpToDate(@TempDir Path dir) throws IOException {
    RetrieverSpark.download(spark, BUCKET, "data/large", dir, options());
    SparkDownload again = RetrieverSpark.download(spark, BUCKET, "data/large", dir, options());

    assertThat(again.summary().upToDate()).isEqualTo(1);
    assertThat(again.summary().downloaded()).isZero();
    assertThat(TestData.sha256(dir.resolve("large.bin"))).isEqualTo(large.sha256());
  }

  private SparkDownloadOptions options() {
    return SharedSpark.options(s3).chunkSize(CHUNK).splitSize(SPLIT).build();
  }

  private void assertEveryObjectOnce(SparkDownload download, Path dir) throws IOException {
    Map<String, Row> byKey = new HashMap<>();
    for (Row row : download.outcomes().collectAsList()) {
      assertThat(byKey.put(row.getString(0), row)).as("outcome of " + row.getString(0)).isNull();
    }
    assertThat(byKey).hasSize(objects.size());
    for (TestObject o : objects) {
      Path file = dir.resolve(o.key().substring("data/".length()));
      assertThat(byKey.get(o.key()).getString(2))
          .isEqualTo(file.toAbsolutePath().normalize().toString());
      assertThat(file).hasSize(o.size());
      assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
    }
    assertThat(leftovers(dir)).isEmpty();
  }

  private static List<Path> leftovers(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().contains(".retriever-")).toList();
    }
  }
}
