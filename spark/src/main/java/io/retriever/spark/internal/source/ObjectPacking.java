package io.retriever.spark.internal.source;

import io.retriever.spark.internal.ExecutorReads;
import io.retriever.spark.internal.ListedObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts listed objects into partitions in listing order. When the bytes are read, each partition
 * takes objects up to a cost (bytes plus 256 KiB per object, the worth of a GET's round trip) of
 * {@code maxPartitionBytes}, less when that would leave fewer partitions than {@code
 * minPartitions}; an object costlier than that is a partition of its own. When only metadata is
 * read, a partition takes up to {@value #METADATA_OBJECTS} objects.
 */
final class ObjectPacking {
  /**
   * Objects per partition of a read without bytes: no request is made for them, and each task
   * carries its objects' metadata (a few MiB).
   */
  static final int METADATA_OBJECTS = 20_000;

  private ObjectPacking() {}

  static List<ObjectPartition> pack(
      List<ListedObject> objects, boolean content, long maxPartitionBytes, int minPartitions) {
    long target = METADATA_OBJECTS;
    if (content) {
      long total = 0;
      for (ListedObject o : objects) {
        total += ExecutorReads.cost(o.size());
      }
      long share = (total + minPartitions - 1) / Math.max(1, minPartitions);
      target = Math.max(1, Math.min(maxPartitionBytes, share));
    }
    List<ObjectPartition> partitions = new ArrayList<>();
    List<ListedObject> current = new ArrayList<>();
    long cost = 0;
    long bytes = 0;
    for (ListedObject o : objects) {
      long c = content ? ExecutorReads.cost(o.size()) : 1;
      if (!current.isEmpty() && cost + c > target) {
        partitions.add(new ObjectPartition(current, bytes));
        current = new ArrayList<>();
        cost = 0;
        bytes = 0;
      }
      current.add(o);
      cost += c;
      bytes += o.size();
    }
    if (!current.isEmpty()) {
      partitions.add(new ObjectPartition(current, bytes));
    }
    return partitions;
  }
}
