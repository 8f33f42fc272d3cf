package io.retriever.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.RetrieverException;
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
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The destinations besides a shared directory: each node's own disk, a Hadoop FileSystem. */
@ExtendWith(LocalS3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DestinationsTest {
  private static final String BUCKET = "destinations";
  private static final int CHUNK = 1 << 20;

  private final SparkSession spark = SharedSpark.session();
  private LocalS3 s3;
  private final List<TestObject> objects = new ArrayList<>();

  @BeforeAll
  void fill(LocalS3 s3) {
    this.s3 = s3;
    s3.createBucket(BUCKET);
    objects.addAll(s3.putMany(BUCKET, 120, 2000, i -> String.format("d/f%d/o-%03d", i % 4, i)));
    objects.add(s3.putRandom(BUCKET, "d/empty", 0));
    objects.add(s3.putRandom(BUCKET, "d/données/ü.bin", 3333));
    // Larger than the split size: node-local and Hadoop destinations keep it whole all the same.
    objects.add(s3.putRandom(BUCKET, "d/large.bin", 9L * CHUNK + 1));
  }

  @Test
  void nodeLocal_eachObjectOnItsNodeNamedByHost(@TempDir Path dir) throws IOException {
    SparkDownload download =
        RetrieverSpark.download(spark, BUCKET, "d/", SparkDestination.nodeLocal(dir), options());

    assertThat(download.summary().failed()).isZero();
    assertThat(download.summary().downloaded()).isEqualTo(objects.size());
    Map<String, String> paths = paths(download);
    for (TestObject o : objects) {
      Path file = dir.resolve(o.key().substring(2));
      assertThat(paths.get(o.key()))
          .matches(".+:" + java.util.regex.Pattern.quote(file.toString()));
      assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
    }
  }

  @Test
  void hadoopFileSystem_everyObjectByteExactAndRerunUpToDate(@TempDir Path dir) throws IOException {
    String uri = dir.toUri().toString() + "out";

    SparkDownload download =
        RetrieverSpark.download(spark, BUCKET, "d/", SparkDestination.hadoop(uri), options());

    assertThat(download.summary().failed())
        .as(download.summary().firstFailures().toString())
        .isZero();
    assertThat(download.summary().downloaded()).isEqualTo(objects.size());
    Map<String, String> paths = paths(download);
    for (TestObject o : objects) {
      Path file = dir.resolve("out").resolve(o.key().substring(2));
      assertThat(paths.get(o.key())).endsWith(o.key().substring(2));
      assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
    }
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(p -> p.getFileName().toString().contains(".retriever-"))).isEmpty();
    }

    SparkDownload again =
        RetrieverSpark.download(spark, BUCKET, "d/", SparkDestination.hadoop(uri), options());
    assertThat(again.summary().upToDate()).isEqualTo(objects.size());
  }

  @Test
  void hadoopFileSystem_unknownScheme_oneClearError() {
    assertThatThrownBy(
            () ->
                RetrieverSpark.download(
                    spark, BUCKET, "d/", SparkDestination.hadoop("nosuch://x/y"), options()))
        .isInstanceOf(RetrieverException.class)
        .hasMessageStartingWith("cannot use nosuch://x/y: ")
        .hasMessageContaining("nosuch");
  }

  @Test
  void parse_commandLineForms() {
    assertThat(SparkDestination.parse("/data/x"))
        .isEqualTo(SparkDestination.shared(Path.of("/data/x")));
    assertThat(SparkDestination.parse("node-local:/nvme/x"))
        .isEqualTo(SparkDestination.nodeLocal(Path.of("/nvme/x")));
    assertThat(SparkDestination.parse("hdfs://nn:8020/data"))
        .isEqualTo(SparkDestination.hadoop("hdfs://nn:8020/data"));
  }

  private SparkDownloadOptions options() {
    return SharedSpark.options(s3).chunkSize(CHUNK).splitSize(2L * CHUNK).build();
  }

  private static Map<String, String> paths(SparkDownload download) {
    Map<String, String> paths = new HashMap<>();
    for (Row row : download.outcomes().select("key", "path").collectAsList()) {
      assertThat(paths.put(row.getString(0), row.getString(1))).isNull();
    }
    return paths;
  }
}
