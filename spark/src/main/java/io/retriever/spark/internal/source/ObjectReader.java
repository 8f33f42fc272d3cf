package io.retriever.spark.internal.source;

import io.retriever.ObjectBytes;
import io.retriever.spark.internal.ExecutorReads;
import io.retriever.spark.internal.ListedObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;

/*
 * Memory: a task holds the batch whose rows it hands out and the next batch, downloading meanwhile,
 * each at most batchBytes (or one object larger than that); rows handed out are dropped from the
 * batch, so Spark's copies are what keep them.
 */
/**
 * Reads one partition's objects as rows. With the {@code content} column, the objects are fetched
 * in batches into memory by the executor's shared {@code Retriever} (parallel GETs pinned to the
 * listed ETags, every object checked as a whole before its row is made), the next batch fetched
 * while the rows of the last are handed out. Without it, no request is made.
 *
 * <p>Concurrency: one task's thread.
 */
final class ObjectReader implements PartitionReader<InternalRow> {
  /** The most objects in one batch, so that batches of small objects still start often. */
  static final int MAX_BATCH_OBJECTS = 1000;

  private final ReadOptions options;
  private final ObjectColumns columns;

  /** The objects not yet read, when the query reads no bytes; else none. */
  private final Iterator<ListedObject> listed;

  /** The batches not yet started, when the query reads the bytes; else none. */
  private final Iterator<List<ListedObject>> batches;

  /** The batch downloading next, or null. */
  private ExecutorReads.Batch next;

  /** The fetched objects of the current batch whose rows are not handed out yet. */
  private final Deque<ObjectBytes> fetched = new ArrayDeque<>();

  /** The row {@link #next} made, or null. */
  private InternalRow row;

  /** The objects and bytes fetched so far, for the read's metrics. */
  private long objectsFetched;

  private long bytesFetched;

  ObjectReader(ReadOptions options, ObjectColumns columns, ObjectPartition partition) {
    this.options = options;
    this.columns = columns;
    if (columns.readsContent()) {
      this.listed = List.<ListedObject>of().iterator();
      this.batches = batches(partition.objects(), options.batchBytes()).iterator();
      this.next = start();
    } else {
      this.listed = partition.objects().iterator();
      this.batches = List.<List<ListedObject>>of().iterator();
    }
  }

  /** Cuts objects into batches of at most {@code maxBytes} and {@link #MAX_BATCH_OBJECTS}. */
  static List<List<ListedObject>> batches(List<ListedObject> objects, long maxBytes) {
    List<List<ListedObject>> batches = new ArrayList<>();
    List<ListedObject> current = new ArrayList<>();
    long bytes = 0;
    for (ListedObject o : objects) {
      if (!current.isEmpty()
          && (bytes + o.size() > maxBytes || current.size() == MAX_BATCH_OBJECTS)) {
        batches.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(o);
      bytes += o.size();
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  private ExecutorReads.Batch start() {
    if (!batches.hasNext()) {
      return null;
    }
    List<ListedObject> batch = batches.next();
    return ExecutorReads.toMemory(options.download(), options.bucket(), batch);
  }

  @Override
  public boolean next() {
    if (listed.hasNext()) {
      row = columns.row(listed.next(), null);
      return true;
    }
    while (fetched.isEmpty()) {
      if (next == null) {
        row = null;
        return false;
      }
      List<ObjectBytes> got;
      try (ExecutorReads.Batch batch = next) {
        next = null;
        got = batch.objects();
      }
      fetched.addAll(got);
      next = start();
    }
    ObjectBytes o = fetched.poll();
    objectsFetched++;
    bytesFetched += o.bytes().length;
    row = columns.row(ListedObject.of(o.object()), o.bytes());
    return true;
  }

  @Override
  public InternalRow get() {
    return row;
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    return ReadMetrics.values(objectsFetched, bytesFetched);
  }

  @Override
  public void close() {
    fetched.clear();
    if (next != null) {
      next.close();
      next = null;
    }
  }
}
