package io.retriever.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.Faults;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The data source against a store that flips a byte in some GETs' bodies (each object is checked
 * before its row is made, so the rows are still the stored bytes) and lists in pages of five keys
 * (so that the listing runs past the driver's pages and the rest is listed in a Spark job).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataSourceStoreTest {
  private static final String BUCKET = "corrupting";

  /** The 2nd and the 30th GET each get one byte flipped. */
  private final Faults faults =
      Faults.schedule(Map.of(2, Faults.Kind.CORRUPT_BYTE, 30, Faults.Kind.CORRUPT_BYTE))
          .afterBytes(100);

  private LocalS3 s3;
  private final List<TestObject> objects = new ArrayList<>();

  @BeforeAll
  void start() {
    s3 = LocalS3.builder().faults(faults).listPageSize(5).start();
    s3.createBucket(BUCKET);
    objects.addAll(s3.putMany(BUCKET, 40, 3000, i -> String.format("c/obj-%02d", i)));
    // Three chunks each: checked as a whole by its ETag's MD5.
    objects.add(s3.putRandom(BUCKET, "c/large-0", (5 << 19) + 3));
    objects.add(s3.putRandom(BUCKET, "c/large-1", (5 << 19) + 11));
  }

  @Test
  void read_listingPastTheDriversPages_everyObjectOnce() {
    List<String> keys = read().select("key").as(Encoders.STRING()).collectAsList();

    assertThat(keys)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(objects.stream().map(TestObject::key).toList());
  }

  private Dataset<Row> read() {
    return SharedSpark.session()
        .read()
        .format("retriever")
        .option("endpoint", s3.endpoint().toString())
        .option("region", s3.region())
        .option("accessKeyId", s3.accessKey())
        .option("secretAccessKey", s3.secretKey())
        .option("pathStyle", "true")
        .option("chunkSize", "1MiB")
        .load("s3://" + BUCKET + "/c/");
  }

  @AfterAll
  void stop() throws Exception {
    s3.close();
  }

  @Test
  void read_corruptedBodies_rowsStillByteExact() {
    List<Row> rows = read().select("key", "content").collectAsList();

    assertThat(faults.injected(Faults.Kind.CORRUPT_BYTE)).isEqualTo(2);
    Map<String, String> hashes = new HashMap<>();
    rows.forEach(r -> hashes.put(r.getString(0), TestData.sha256((byte[]) r.get(1))));
    assertThat(hashes).hasSize(objects.size());
    for (TestObject o : objects) {
      assertThat(hashes.get(o.key())).as(o.key()).isEqualTo(o.sha256());
    }
  }
}
