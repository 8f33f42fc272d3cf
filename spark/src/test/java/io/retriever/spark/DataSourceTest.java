package io.retriever.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.RetrieverException;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code spark.read().format("retriever")} on a local Spark against {@link LocalS3} (SigV4): every
 * row's bytes against the generated data, filters applied before any GET, metadata without GETs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataSourceTest {
  private static final String BUCKET = "source-data";
  private static final String PREFIX = "read/";
  private static final int CHUNK = 1 << 20;

  private final SparkSession spark = SharedSpark.session();
  private LocalS3 s3;

  /** The objects under the prefix, by key. */
  private final Map<String, TestObject> objects = new HashMap<>();

  @BeforeAll
  void start() {
    s3 = LocalS3.start();
    s3.createBucket(BUCKET);
    List<TestObject> all = new ArrayList<>();
    all.add(s3.putRandom(BUCKET, PREFIX + "empty.bin", 0));
    all.add(s3.putRandom(BUCKET, PREFIX + "one.bin", 1));
    // Several chunks, the last one partial.
    all.add(s3.putRandom(BUCKET, PREFIX + "big.bin", 3L * CHUNK + 7));
    all.add(s3.putRandom(BUCKET, PREFIX + "nested/a/b/c.bin", 1000));
    all.add(s3.putRandom(BUCKET, PREFIX + "ünïcode/日本語 ✓.bin", 500));
    all.addAll(s3.putMany(BUCKET, 60, 2048, i -> String.format(PREFIX + "small/obj-%03d", i)));
    all.forEach(o -> objects.put(o.key(), o));
    // Neither is read: a folder marker, and a key beside the prefix.
    s3.putRandom(BUCKET, PREFIX + "folder/", 0);
    s3.putRandom(BUCKET, "reading/not-taken.bin", 10);
  }

  @AfterAll
  void stop() throws Exception {
    s3.close();
  }

  @Test
  void read_prefix_everyRowIsItsObjectByteExact() {
    Dataset<Row> rows = reader().load("s3://" + BUCKET + "/" + PREFIX);

    assertThat(rows.schema().fieldNames())
        .containsExactly("key", "size", "etag", "last_modified", "content");
    assertThat(rows.rdd().getNumPartitions()).isGreaterThan(1);
    assertRowsAre(rows.collectAsList(), o -> true);
    assertThat(metric(rows, "objectsFetched")).isEqualTo(objects.size());
    assertThat(metric(rows, "bytesFetched"))
        .isEqualTo(objects.values().stream().mapToLong(TestObject::size).sum());
  }

  @Test
  void read_keyFilter_onlyMatchingObjectsFetched() {
    long gets = s3.getRequests();
    Dataset<Row> read =
        reader()
            .load("s3://" + BUCKET + "/" + PREFIX)
            .where("key like 'read/small/obj-01%' and size > 100");

    List<Row> rows = read.collectAsList();

    assertRowsAre(rows, o -> o.key().startsWith(PREFIX + "small/obj-01"));
    assertThat(read.queryExecution().executedPlan().toString())
        .contains("listing s3://" + BUCKET + "/read/small/obj-01");
    // One GET per object taken (each is one chunk): the others were never fetched.
    assertThat(s3.getRequests() - gets).isEqualTo(10);
  }

  @Test
  void read_sizeFilter_keepsOnlyLargeObjects() {
    Dataset<Row> rows =
        reader().load("s3://" + BUCKET + "/" + PREFIX).where("size >= 1000 and size < 4000");

    assertRowsAre(rows.collectAsList(), o -> o.size() >= 1000 && o.size() < 4000);
  }

  @Test
  void read_timeFilter_appliedBeforeAnyGet() {
    Dataset<Row> read = reader().load("s3://" + BUCKET + "/" + PREFIX);
    long gets = s3.getRequests();

    List<Row> old = read.where("last_modified < timestamp'2000-01-01 00:00:00'").collectAsList();

    assertThat(old).isEmpty();
    assertThat(s3.getRequests() - gets).isZero();
    assertRowsAre(
        read.where("last_modified >= timestamp'2000-01-01 00:00:00' and size = 1").collectAsList(),
        o -> o.size() == 1);
  }

  @Test
  void read_withoutContentColumn_makesNoGet() {
    Dataset<Row> rows = reader().load("s3://" + BUCKET + "/" + PREFIX);
    long gets = s3.getRequests();

    Dataset<Row> metadata = rows.select("key", "size", "etag", "last_modified");
    List<Row> listed = metadata.collectAsList();
    long count = rows.count();
    long large = rows.where("size > 1000").count();

    assertThat(listed).hasSize(objects.size());
    assertThat(count).isEqualTo(objects.size());
    assertThat(large).isEqualTo(objects.values().stream().filter(o -> o.size() > 1000).count());
    for (Row row : listed) {
      assertThat(row.getLong(1)).isEqualTo(objects.get(row.getString(0)).size());
      assertThat(row.getString(2)).isNotBlank().doesNotContain("\"");
      assertThat(row.getTimestamp(3)).isNotNull();
    }
    assertThat(s3.getRequests() - gets).isZero();
    assertThat(metric(metadata, "objectsFetched")).isZero();
  }

  @Test
  void read_contentFalse_noContentColumnAndNoGet() {
    long gets = s3.getRequests();

    Dataset<Row> rows = reader().option("content", "false").load("s3://" + BUCKET + "/" + PREFIX);

    assertThat(rows.schema().fieldNames()).containsExactly("key", "size", "etag", "last_modified");
    assertThat(rows.collectAsList()).hasSize(objects.size());
    assertThat(s3.getRequests() - gets).isZero();
  }

  @Test
  void read_smallBatchesAndPartitions_everyRowByteExact() {
    Dataset<Row> rows =
        reader()
            .option("maxPartitionBytes", "1MiB")
            .option("batchBytes", "4KiB")
            .load("s3://" + BUCKET + "/" + PREFIX);

    assertRowsAre(rows.collectAsList(), o -> true);
  }

  @Test
  void read_keyEqualityAndEmptyPrefix_oneRowAndNoRows() {
    Dataset<Row> read = reader().load("s3://" + BUCKET + "/" + PREFIX);

    assertRowsAre(
        read.where("key = 'read/ünïcode/日本語 ✓.bin'").collectAsList(),
        o -> o.key().equals(PREFIX + "ünïcode/日本語 ✓.bin"));
    assertThat(read.where("key like 'elsewhere/%'").count()).isZero();
    assertThat(reader().load("s3://" + BUCKET + "/nothing-here/").count()).isZero();
  }

  @Test
  void read_missingBucket_oneClearError() {
    Dataset<Row> rows = reader().load("s3://no-such-bucket/" + PREFIX);

    assertThatThrownBy(rows::collectAsList)
        .isInstanceOf(RetrieverException.class)
        .hasMessageContaining("bucket 'no-such-bucket' does not exist")
        .extracting(e -> ((RetrieverException) e).reason())
        .isEqualTo(RetrieverException.Reason.NO_SUCH_BUCKET);
  }

  @Test
  void read_badOption_errorNamesIt() {
    assertThatThrownBy(
            () -> reader().option("concurrency", "lots").load("s3://" + BUCKET + "/" + PREFIX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option 'concurrency' = 'lots': not a whole number");
    assertThatThrownBy(() -> reader().option("content", "maybe").load("s3://" + BUCKET + "/"))
        .hasMessage("option 'content' = 'maybe': give true or false");
    assertThatThrownBy(() -> reader().option("regoin", "x").load("s3://" + BUCKET + "/"))
        .hasMessageStartingWith("unknown option 'regoin'; the options are endpoint, region");
    assertThatThrownBy(() -> reader().load())
        .hasMessageStartingWith("give the objects to read: load(\"s3://bucket/prefix\")");
  }

  private DataFrameReader reader() {
    return spark
        .read()
        .format("retriever")
        .option("endpoint", s3.endpoint().toString())
        .option("region", s3.region())
        .option("accessKeyId", s3.accessKey())
        .option("secretAccessKey", s3.secretKey())
        .option("pathStyle", "true")
        .option("chunkSize", "1MiB");
  }

  /** Returns the value of the scan's metric {@code name} after {@code read} ran. */
  private static long metric(Dataset<Row> read, String name) {
    SparkPlan plan = read.queryExecution().executedPlan();
    for (SparkPlan leaf : CollectionConverters.asJava(plan.collectLeaves())) {
      if (leaf.metrics().contains(name)) {
        return leaf.metrics().apply(name).value();
      }
    }
    throw new AssertionError("no metric " + name + " in " + plan);
  }

  /** Checks that the rows are exactly the objects {@code taken} keeps, each byte for byte. */
  private void assertRowsAre(List<Row> rows, Predicate<TestObject> taken) {
    Map<String, Row> byKey = new HashMap<>();
    for (Row row : rows) {
      assertThat(byKey.put(row.getString(0), row)).as("row of " + row.getString(0)).isNull();
    }
    List<String> expected =
        objects.values().stream().filter(taken).map(TestObject::key).sorted().toList();
    assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    for (String key : expected) {
      Row row = byKey.get(key);
      TestObject o = objects.get(key);
      byte[] content = row.getAs("content");
      assertThat(row.<Long>getAs("size")).as(key).isEqualTo(o.size());
      assertThat(content).as(key).hasSize((int) o.size());
      assertThat(TestData.sha256(content)).as(key).isEqualTo(o.sha256());
    }
  }
}
