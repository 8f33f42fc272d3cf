package io.retriever.spark.internal.source;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;

/** Makes the readers of one read's partitions on the executors; shipped there by Spark. */
final class ObjectReaderFactory implements PartitionReaderFactory {
  private final ReadOptions options;
  private final StructType schema;

  ObjectReaderFactory(ReadOptions options, StructType schema) {
    this.options = options;
    this.schema = schema;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    return new ObjectReader(options, new ObjectColumns(schema), (ObjectPartition) partition);
  }
}
