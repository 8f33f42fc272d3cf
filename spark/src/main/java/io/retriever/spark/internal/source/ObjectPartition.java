package io.retriever.spark.internal.source;

import io.retriever.spark.internal.ListedObject;
import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * The objects one task reads, as the driver listed them.
 *
 * @param objects in listing order
 * @param bytes their total size
 */
record ObjectPartition(List<ListedObject> objects, long bytes) implements InputPartition {
  /** Copies the objects. */
  ObjectPartition {
    objects = List.copyOf(objects);
  }
}
