package io.retriever.spark;

import io.retriever.RetrieverException;
import io.retriever.S3Uri;
import io.retriever.spark.internal.DistributedDownload;
import io.retriever.spark.internal.Planner;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;

/**
 * Downloads a prefix across a Spark cluster into a directory every executor sees (a shared file
 * system: NFS, EFS, FSx, Lustre, or a local directory on a local Spark).
 *
 * <p>The driver lists the first level of the prefix with a delimiter and splits the key space into
 * ranges (its folders, and {@code StartAfter} ranges for what a flat prefix holds beyond the first
 * pages). Spark tasks list the ranges; the objects are packed into work units balanced by bytes and
 * by count, three or more per task slot so that fast executors take more; each executor downloads
 * its units with one shared {@code Retriever}. The driver never holds every key.
 *
 * <pre>{@code
 * SparkDownload download = RetrieverSpark.download(
 *     spark, S3Uri.parse("s3://my-bucket/datasets/train/"), Path.of("/mnt/shared/train"),
 *     SparkDownloadOptions.builder().region("us-east-1").build());
 * System.out.println(download.summary());
 * download.failures().show();
 * }</pre>
 *
 * <p>Keys land below the destination at their path after the prefix's last {@code /}, as with
 * {@code retriever get}. Rerunning continues: files that already hold the listed version are
 * skipped. Spark's own task retries are harmless for the same reason.
 */
public final class RetrieverSpark {
  private RetrieverSpark() {}

  /**
   * Downloads every object under {@code source} (an {@code s3://bucket/prefix} address) into {@code
   * destination}, and returns one outcome per object and the summary. Objects that fail are named
   * in the outcomes and the summary; the others arrive.
   *
   * @throws RetrieverException if the bucket cannot be listed (it does not exist, the credentials
   *     are refused, the endpoint cannot be reached) or nothing is under the prefix
   */
  public static SparkDownload download(
      SparkSession spark, S3Uri source, Path destination, SparkDownloadOptions options) {
    return download(spark, source.bucket(), source.key(), destination, options);
  }

  /** Downloads every object under {@code prefix} of {@code bucket} into {@code destination}. */
  public static SparkDownload download(
      SparkSession spark,
      String bucket,
      String prefix,
      Path destination,
      SparkDownloadOptions options) {
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(prefix, "prefix");
    return download(spark, bucket, prefix, SparkDestination.shared(destination), options);
  }

  /**
   * Downloads every object under {@code source} into {@code destination}: a shared directory, each
   * node's own disk, or a Hadoop FileSystem (see {@link SparkDestination}).
   */
  public static SparkDownload download(
      SparkSession spark,
      S3Uri source,
      SparkDestination destination,
      SparkDownloadOptions options) {
    return download(spark, source.bucket(), source.key(), destination, options);
  }

  /** Downloads every object under {@code prefix} of {@code bucket} into {@code destination}. */
  public static SparkDownload download(
      SparkSession spark,
      String bucket,
      String prefix,
      SparkDestination destination,
      SparkDownloadOptions options) {
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(options, "options");
    return DistributedDownload.run(
        spark, bucket, prefix, destination, options, Planner.DEFAULT_MAX_PAGES);
  }
}
