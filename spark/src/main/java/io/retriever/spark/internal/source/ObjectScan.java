package io.retriever.spark.internal.source;

import io.retriever.spark.internal.ListedObject;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.StructType;

/**
 * One read's plan: lists the objects (see {@link ObjectListing}) when Spark first asks for the
 * partitions, once per scan, and packs them into partitions by bytes (see {@link ObjectPacking}).
 *
 * <p>Concurrency: Spark's planning thread.
 */
final class ObjectScan implements Scan, Batch {
  private final ReadOptions options;
  private final StructType schema;
  private final List<Filter> pushed;

  /** The partitions, once listed. */
  private InputPartition[] partitions;

  ObjectScan(ReadOptions options, StructType schema, List<Filter> pushed) {
    this.options = options;
    this.schema = schema;
    this.pushed = pushed;
  }

  @Override
  public StructType readSchema() {
    return schema;
  }

  @Override
  public String description() {
    Optional<String> prefix = ObjectFilters.listingPrefix(options.prefix(), pushed);
    return "retriever "
        + options.uri()
        + (prefix.isPresent() && prefix.get().equals(options.prefix())
            ? ""
            : ", listing " + prefix.map(p -> "s3://" + options.bucket() + "/" + p).orElse("none"))
        + (pushed.isEmpty() ? "" : ", pushed " + pushed)
        + (new ObjectColumns(schema).readsContent() ? "" : ", metadata only");
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return ReadMetrics.supported();
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public InputPartition[] planInputPartitions() {
    if (partitions == null) {
      List<ObjectFilters.Test> tests =
          pushed.stream().map(f -> ObjectFilters.of(f).orElseThrow()).toList();
      Optional<String> prefix = ObjectFilters.listingPrefix(options.prefix(), pushed);
      SparkSession spark = SparkSession.active();
      List<ListedObject> objects =
          prefix.isEmpty() ? List.of() : ObjectListing.list(spark, options, tests, prefix.get());
      int slots = spark.sparkContext().defaultParallelism();
      int minPartitions = Math.max(1, slots * options.download().unitsPerSlot());
      partitions =
          ObjectPacking.pack(
                  objects,
                  new ObjectColumns(schema).readsContent(),
                  options.maxPartitionBytes(),
                  minPartitions)
              .toArray(new InputPartition[0]);
    }
    return partitions;
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new ObjectReaderFactory(options, schema);
  }
}
