package io.retriever.spark.source;

import io.retriever.spark.SparkDownloadOptions;
import io.retriever.spark.internal.source.ObjectTable;
import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The {@code retriever} data source: the objects under an S3 prefix as rows {@code (key STRING,
 * size LONG, etag STRING, last_modified TIMESTAMP, content BINARY)}, each partition fetching its
 * objects with the executor's shared {@code Retriever} (parallel GETs pinned to the listed ETags,
 * every object checked).
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("retriever")
 *     .option("region", "us-east-1")
 *     .option("exclude", "*").option("include", "*.jpg")
 *     .load("s3://my-bucket/images/");
 * }</pre>
 *
 * <p>Options are those of {@link SparkDownloadOptions#fromMap} (endpoint, region, path style,
 * credentials, include and exclude, concurrency, chunk size...) and the data source's own: {@code
 * content} ({@code false} drops the column: a listing), {@code maxPartitionBytes} (default 128MiB,
 * counting 256 KiB per object besides its bytes) and {@code batchBytes} (default 32MiB: a task
 * holds about two batches of bytes at once).
 *
 * <p>A query that does not select {@code content} makes no GET. Filters on {@code key} (equal, in,
 * starts with, ends with, contains), on {@code size} and {@code last_modified} (equal, in,
 * compared) and on {@code etag} (equal, in) are applied to the listing before any GET, and a
 * required start of the key narrows the listed prefix.
 *
 * <p>The key space is split on the driver as a distributed download's is, and the ranges are listed
 * in a Spark job when there are several; the driver then holds the metadata of every object kept,
 * about 250 bytes each, while it plans the partitions: four million objects take about 1 GiB of its
 * heap. More than that, and {@code RetrieverSpark.download}, which never gathers the keys, is the
 * tool.
 */
public final class RetrieverDataSource implements TableProvider, DataSourceRegister {
  /** The name of the data source in {@code format(...)}. */
  public static final String NAME = "retriever";

  /** Made by Spark, by name. */
  public RetrieverDataSource() {}

  @Override
  public String shortName() {
    return NAME;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return ObjectTable.schema(options);
  }

  @Override
  public Table getTable(
      StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return ObjectTable.of(properties);
  }
}
