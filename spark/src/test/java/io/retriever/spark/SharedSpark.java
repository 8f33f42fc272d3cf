package io.retriever.spark;

import io.retriever.testkit.LocalS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The one local Spark of the test JVM, shared by every test class (starting one costs seconds): two
 * task slots, three attempts per task, speculation on, everything on 127.0.0.1.
 */
final class SharedSpark {
  private static SparkSession session;

  private SharedSpark() {}

  /** Returns the session, starting it on first use; it ends with the JVM. */
  static synchronized SparkSession session() {
    if (session == null) {
      session =
          SparkSession.builder()
              // Two slots; a failed task is tried up to three times, as on a cluster.
              .master("local[2,3]")
              .appName("retriever-spark-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              // Speculation on, as on a cluster: a task found slow may be run twice at once.
              .config("spark.speculation", "true")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .getOrCreate();
    }
    return session;
  }

  /** Returns options that reach {@code s3}: its endpoint, region and keys, path style. */
  static SparkDownloadOptions.Builder options(LocalS3 s3) {
    return SparkDownloadOptions.builder()
        .endpoint(s3.endpoint())
        .region(s3.region())
        .credentials(s3.accessKey(), s3.secretKey())
        .pathStyle(true);
  }

  /** Returns the temporary files and journals left under {@code dir}. */
  static Stream<Path> leftovers(Path dir) throws java.io.IOException {
    return Files.walk(dir).filter(p -> p.getFileName().toString().contains(".retriever-part"));
  }
}
