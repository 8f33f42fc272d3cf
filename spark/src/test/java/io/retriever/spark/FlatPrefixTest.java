package io.retriever.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.spark.internal.DistributedDownload;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prefix whose delimiter listing runs past the pages the driver reads: the rest of the key space
 * is cut into {@code StartAfter} ranges listed in tasks, and every key still arrives exactly once.
 * Pages of 20 keys and two pages on the driver make the cut fall after 40 entries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlatPrefixTest {
  private static final String BUCKET = "flat-data";

  private LocalS3 s3;

  @BeforeAll
  void start() {
    s3 = LocalS3.builder().listPageSize(20).start();
    s3.createBucket(BUCKET);
  }

  @AfterAll
  void stop() throws Exception {
    s3.close();
  }

  @Test
  void download_cutAfterKeys_everyObjectOnce(@TempDir Path dir) throws IOException {
    List<TestObject> objects = s3.putMany(BUCKET, 300, 100, i -> String.format("keys/obj-%04d", i));

    SparkDownload download = run("keys/", dir);

    // The 40 keys the driver read, and ranges cut after obj-0039.
    assertThat(download.summary().listingRanges()).isGreaterThan(2);
    assertExactlyOnce(download, objects, "keys/", dir);
  }

  @Test
  void download_cutAfterFolder_folderListedOnceAndRestAfterIt(@TempDir Path dir)
      throws IOException {
    List<TestObject> objects = new ArrayList<>();
    // 60 folders, so that the driver's two pages end on a folder; then keys beside them.
    objects.addAll(s3.putMany(BUCKET, 60, 10, i -> String.format("mixed/a-%02d/k", i)));
    objects.addAll(s3.putMany(BUCKET, 150, 10, i -> String.format("mixed/obj-%04d", i)));

    SparkDownload download = run("mixed/", dir);

    assertExactlyOnce(download, objects, "mixed/", dir);
  }

  private SparkDownload run(String prefix, Path dir) {
    return DistributedDownload.run(
        SharedSpark.session(),
        BUCKET,
        prefix,
        SparkDestination.shared(dir),
        SharedSpark.options(s3).build(),
        2);
  }

  private static void assertExactlyOnce(
      SparkDownload download, List<TestObject> objects, String prefix, Path dir)
      throws IOException {
    List<String> keys = download.outcomes().select("key").as(Encoders.STRING()).collectAsList();
    Set<String> distinct = new HashSet<>(keys);
    assertThat(distinct).as("no key twice").hasSameSizeAs(keys);
    assertThat(distinct)
        .containsExactlyInAnyOrderElementsOf(objects.stream().map(TestObject::key).toList());
    assertThat(download.summary().failed()).isZero();
    for (TestObject o : objects) {
      Path file = dir.resolve(o.key().substring(prefix.length()));
      assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
    }
  }
}
