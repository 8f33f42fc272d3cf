package io.retriever.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.RetrieverException;
import io.retriever.S3Uri;
import io.retriever.spark.internal.TaskProbe;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prefix of thousands of small objects in folders, a few keys beside them and a few objects of
 * many chunks, downloaded by a local Spark from {@link LocalS3}.
 */
@ExtendWith(LocalS3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetrieverSparkTest {
  private static final String BUCKET = "spark-data";
  private static final int SMALL = 2000;
  private static final int CHUNK = 1 << 20;

  private final SparkSession spark = SharedSpark.session();
  private LocalS3 s3;
  private List<TestObject> objects;

  @BeforeAll
  void fill(LocalS3 s3) {
    this.s3 = s3;
    s3.createBucket(BUCKET);
    objects =
        new ArrayList<>(
            s3.putMany(
                BUCKET, SMALL, 2048, i -> String.format("set/part-%d/obj-%05d.bin", i % 5, i)));
    for (int i = 0; i < 3; i++) {
      objects.add(s3.putRandom(BUCKET, "set/top-" + i + ".bin", 1000 + i));
      // Several chunks each, one of them ending in a partial chunk.
      objects.add(s3.putRandom(BUCKET, "set/large/big-" + i + ".bin", 3L * CHUNK + i * 12345));
    }
    objects.add(s3.putRandom(BUCKET, "outside/not-taken.bin", 10));
    objects.removeIf(o -> !o.key().startsWith("set/"));
  }

  @AfterEach
  void removeProbe() {
    TaskProbe.reset();
  }

  @Test
  void download_prefixOfFoldersAndLargeObjects_everyObjectByteExactAndAccountedFor(
      @TempDir Path dir) throws IOException {
    SparkDownload download =
        RetrieverSpark.download(
            spark, S3Uri.parse("s3://" + BUCKET + "/set/"), dir, options().build());

    SparkDownloadSummary summary = download.summary();
    assertThat(summary.objects()).isEqualTo(objects.size());
    assertThat(summary.downloaded()).isEqualTo(objects.size());
    assertThat(summary.failed()).isZero();
    assertThat(summary.bytes()).isEqualTo(objects.stream().mapToLong(TestObject::size).sum());
    // Five folders, one for the large objects, and the keys beside them.
    assertThat(summary.listingRanges()).isEqualTo(7);
    // At least three units per task slot (local[2]).
    assertThat(summary.units()).isGreaterThanOrEqualTo(6);
    assertEveryObjectOnce(download, dir);
    assertThat(SharedSpark.leftovers(dir)).isEmpty();
  }

  @Test
  void download_unitsBalanced_byBytesAndCount(@TempDir Path dir) {
    SparkDownload download = RetrieverSpark.download(spark, BUCKET, "set/", dir, options().build());

    Map<Integer, long[]> perUnit = new HashMap<>();
    for (Row row : download.outcomes().select("unit", "bytes").collectAsList()) {
      long[] unit = perUnit.computeIfAbsent(row.getInt(0), u -> new long[2]);
      unit[0]++;
      unit[1] += row.getLong(1);
    }
    assertThat(perUnit).hasSize(download.summary().units());
    // Each unit takes a fair share of the cost (bytes plus a fixed cost per object): no unit holds
    // more than twice the mean, beyond one large object.
    long meanCost = (download.summary().bytes() + objects.size() * (256L << 10)) / perUnit.size();
    for (long[] unit : perUnit.values()) {
      assertThat(unit[1] + unit[0] * (256L << 10)).isLessThan(2 * meanCost + 4L * CHUNK);
    }
  }

  @Test
  void download_taskFailsHalfWay_retriedBySparkAndByteExact(@TempDir Path dir) throws IOException {
    AtomicInteger failedUnit = new AtomicInteger(-1);
    TaskProbe.set(
        (unit, filesDone, unitObjects) -> {
          if (TaskContext.get().attemptNumber() == 0
              && filesDone == unitObjects / 2
              && unitObjects > 10
              && failedUnit.compareAndSet(-1, unit)) {
            throw new IllegalStateException("injected: task of unit " + unit + " lost half-way");
          }
        });

    SparkDownload download = RetrieverSpark.download(spark, BUCKET, "set/", dir, options().build());

    assertThat(failedUnit.get()).as("the injected failure fired").isNotNegative();
    SparkDownloadSummary summary = download.summary();
    assertThat(summary.failed()).isZero();
    assertThat(summary.objects()).isEqualTo(objects.size());
    // The files the failed attempt completed were found in place by the retry, not fetched again.
    long keptByRetry =
        download
            .outcomes()
            .filter(
                "unit = " + failedUnit.get() + " and status = '" + ObjectOutcome.UP_TO_DATE + "'")
            .count();
    assertThat(keptByRetry).isGreaterThan(0);
    assertThat(summary.downloaded() + summary.upToDate()).isEqualTo(objects.size());
    assertEveryObjectOnce(download, dir);
    // Not checked here: temporary files of the attempt that failed. Its download is closed while
    // the executor's shared workers still write, and in some runs a few small objects' temporary
    // files outlive the close; the final files are right regardless.
  }

  @Test
  void download_again_everyObjectUpToDate(@TempDir Path dir) throws IOException {
    RetrieverSpark.download(spark, BUCKET, "set/", dir, options().build());

    SparkDownload again = RetrieverSpark.download(spark, BUCKET, "set/", dir, options().build());

    assertThat(again.summary().upToDate()).isEqualTo(objects.size());
    assertThat(again.summary().downloaded()).isZero();
    assertEveryObjectOnce(again, dir);
  }

  @Test
  void download_filter_takesOnlyMatchingKeys(@TempDir Path dir) throws IOException {
    SparkDownload download =
        RetrieverSpark.download(
            spark,
            BUCKET,
            "set/",
            dir,
            options().exclude("*").include("large/*").include("top-1.bin").build());

    List<String> keys =
        download
            .outcomes()
            .select("key")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertThat(keys)
        .containsExactlyInAnyOrder(
            "set/large/big-0.bin", "set/large/big-1.bin", "set/large/big-2.bin", "set/top-1.bin");
    for (TestObject o : objects) {
      if (keys.contains(o.key())) {
        assertThat(TestData.sha256(dir.resolve(o.key().substring(4)))).isEqualTo(o.sha256());
      }
    }
  }

  @Test
  void download_fileInTheWay_objectFailedAndNamedOthersArrive(@TempDir Path dir)
      throws IOException {
    Path inTheWay = dir.resolve("part-3/obj-00003.bin");
    Files.createDirectories(inTheWay.getParent());
    Files.writeString(inTheWay, "someone else's file");

    SparkDownload download = RetrieverSpark.download(spark, BUCKET, "set/", dir, options().build());

    SparkDownloadSummary summary = download.summary();
    assertThat(summary.failed()).isEqualTo(1);
    assertThat(summary.complete()).isFalse();
    assertThat(summary.firstFailures())
        .singleElement()
        .asString()
        .startsWith("set/part-3/obj-00003.bin: ");
    List<Row> failures = download.failures().collectAsList();
    assertThat(failures)
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.getString(0)).isEqualTo("set/part-3/obj-00003.bin");
              assertThat(row.getString(2))
                  .isEqualTo(inTheWay.toAbsolutePath().normalize().toString());
              assertThat(row.getString(4)).isNotBlank();
            });
    assertThat(Files.readString(inTheWay)).isEqualTo("someone else's file");
    assertThat(download.outcomes().count()).isEqualTo(objects.size());
    for (TestObject o : objects) {
      if (!o.key().equals("set/part-3/obj-00003.bin")) {
        assertThat(TestData.sha256(dir.resolve(o.key().substring(4)))).isEqualTo(o.sha256());
      }
    }
  }

  @Test
  void download_missingBucket_oneClearError(@TempDir Path dir) {
    assertThatThrownBy(
            () -> RetrieverSpark.download(spark, "no-such-bucket", "set/", dir, options().build()))
        .isInstanceOf(RetrieverException.class)
        .hasMessageContaining("bucket 'no-such-bucket' does not exist")
        .extracting(e -> ((RetrieverException) e).reason())
        .isEqualTo(RetrieverException.Reason.NO_SUCH_BUCKET);
  }

  @Test
  void download_destinationUnderAFile_oneClearError(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");

    assertThatThrownBy(
            () ->
                RetrieverSpark.download(
                    spark, BUCKET, "set/", file.resolve("data"), options().build()))
        .isInstanceOf(RetrieverException.class)
        .hasMessageContaining(file.toString())
        .hasMessageEndingWith("(a Spark task failed on every attempt)")
        .extracting(e -> ((RetrieverException) e).reason())
        .isEqualTo(RetrieverException.Reason.LOCAL_IO);
  }

  @Test
  void download_emptyPrefix_notFound(@TempDir Path dir) {
    assertThatThrownBy(
            () -> RetrieverSpark.download(spark, BUCKET, "nothing-here/", dir, options().build()))
        .isInstanceOf(RetrieverException.class)
        .hasMessage("no objects under s3://" + BUCKET + "/nothing-here/");
  }

  private SparkDownloadOptions.Builder options() {
    return SharedSpark.options(s3).chunkSize(CHUNK);
  }

  /** Checks that every object is in the outcomes exactly once, and on disk byte for byte. */
  private void assertEveryObjectOnce(SparkDownload download, Path dir) throws IOException {
    Map<String, Row> byKey = new HashMap<>();
    for (Row row : download.outcomes().collectAsList()) {
      assertThat(byKey.put(row.getString(0), row)).as("outcome of " + row.getString(0)).isNull();
    }
    assertThat(byKey).hasSize(objects.size());
    for (TestObject o : objects) {
      Row row = byKey.get(o.key());
      assertThat(row).as(o.key()).isNotNull();
      assertThat(row.getLong(1)).isEqualTo(o.size());
      Path file = dir.resolve(o.key().substring("set/".length()));
      assertThat(row.getString(2)).isEqualTo(file.toAbsolutePath().normalize().toString());
      assertThat(file).hasSize(o.size());
      assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
    }
  }
}
