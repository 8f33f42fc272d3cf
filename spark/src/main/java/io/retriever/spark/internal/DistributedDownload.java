package io.retriever.spark.internal;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.spark.ObjectOutcome;
import io.retriever.spark.SparkDestination;
import io.retriever.spark.SparkDownload;
import io.retriever.spark.SparkDownloadOptions;
import io.retriever.spark.SparkDownloadSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Runs a distributed download: plans on the driver, then three Spark stages.
 *
 * <pre>
 * driver: delimiter listing ─▶ key ranges
 * stage 1: list each range (tasks) ─▶ objects, cached; totals per partition ─▶ driver ─▶ packing
 * stage 2: each object to its unit, a large one cut in pieces across units (shuffle, by unit)
 * stage 3: download each unit (tasks, one Retriever per executor) ─▶ outcomes and pieces, cached
 * stage 4: each split object's pieces together (shuffle, by key) ─▶ commit ─▶ its outcome
 * driver: tally of the outcomes, bytes per unit ─▶ summary
 * </pre>
 *
 * <p>Memory: the driver holds the ranges, one total per listing partition and the summary; keys
 * stay on the executors.
 */
public final class DistributedDownload {
  /** The columns of the outcomes, as {@link ObjectOutcome} names them. */
  public static final StructType SCHEMA =
      new StructType()
          .add("key", DataTypes.StringType, false)
          .add("bytes", DataTypes.LongType, false)
          .add("path", DataTypes.StringType, false)
          .add("status", DataTypes.StringType, false)
          .add("error", DataTypes.StringType, true)
          .add("unit", DataTypes.IntegerType, false);

  private DistributedDownload() {}

  /**
   * Downloads every object under {@code prefix} into {@code destination}.
   *
   * @param maxPlanPages pages of the delimiter listing read on the driver
   * @throws RetrieverException if the bucket cannot be listed, or nothing is under the prefix
   */
  public static SparkDownload run(
      SparkSession spark,
      String bucket,
      String prefix,
      SparkDestination destination,
      SparkDownloadOptions options,
      int maxPlanPages) {
    long start = System.nanoTime();
    DownloadJob.Kind kind;
    String where;
    long splitSize = 0;
    if (destination instanceof SparkDestination.Shared shared) {
      Path target = shared.directory().toAbsolutePath().normalize();
      if (Files.exists(target) && !Files.isDirectory(target)) {
        throw new RetrieverException(
            Reason.INVALID, target + " is a file; give a directory that every executor sees");
      }
      kind = DownloadJob.Kind.SHARED;
      where = target.toString();
      splitSize = options.splitSize();
    } else if (destination instanceof SparkDestination.NodeLocal local) {
      if (!local.directory().isAbsolute()) {
        throw new RetrieverException(
            Reason.INVALID,
            "a node-local destination is an absolute path, the same on every node; got "
                + local.directory());
      }
      kind = DownloadJob.Kind.NODE_LOCAL;
      where = local.directory().normalize().toString();
    } else {
      SparkDestination.Hadoop hadoop = (SparkDestination.Hadoop) destination;
      kind = DownloadJob.Kind.HADOOP;
      where = HadoopFiles.prepare(hadoop.uri(), spark.sparkContext().hadoopConfiguration());
    }
    List<KeyRange> ranges;
    try (S3Listing listing = new S3Listing(options)) {
      ranges = new Planner(listing, maxPlanPages).plan(bucket, prefix);
    }
    if (ranges.isEmpty()) {
      throw new RetrieverException(
          Reason.NOT_FOUND, "no objects under s3://" + bucket + "/" + prefix);
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slots = Math.max(1, sc.defaultParallelism());
    int minUnits = slots * options.unitsPerSlot();
    DownloadJob job =
        new DownloadJob(
            bucket,
            prefix,
            where,
            kind,
            options,
            Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));

    JavaRDD<ListedObject> listed =
        sc.parallelize(ranges, Math.min(ranges.size(), minUnits))
            .mapPartitions(job::list)
            .persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<Done> done = null;
    long cutAt = splitSize;
    try {
      List<Packing.Totals> totals =
          listed.mapPartitionsWithIndex(DistributedDownload::totals, true).collect();
      Packing packing = Packing.of(totals.toArray(new Packing.Totals[0]), minUnits, splitSize);
      done =
          JavaPairRDD.fromJavaRDD(
                  listed.mapPartitionsWithIndex(
                      (partition, objects) -> assign(packing, partition, objects, cutAt), true))
              .partitionBy(new HashPartitioner(packing.units()))
              .values()
              .mapPartitionsWithIndex(job::download, true)
              .persist(StorageLevel.MEMORY_AND_DISK());
      JavaRDD<ObjectOutcome> whole = done.filter(d -> d.outcome() != null).map(Done::outcome);
      JavaRDD<ObjectOutcome> split =
          done.filter(d -> d.piece() != null)
              .keyBy(d -> d.piece().object().key())
              .groupByKey(slots)
              .map(job::commit);
      JavaRDD<ObjectOutcome> outcomes = whole.union(split).persist(StorageLevel.MEMORY_AND_DISK());
      Tally tally = outcomes.aggregate(new Tally(), Tally::add, Tally::merge);
      int units = packing.units();
      long[] unitBytes =
          done.aggregate(
              new long[units],
              (sum, d) -> {
                sum[d.unit()] += d.bytes();
                return sum;
              },
              (a, b) -> {
                for (int i = 0; i < a.length; i++) {
                  a[i] += b[i];
                }
                return a;
              });
      Dataset<Row> rows = spark.createDataFrame(outcomes.map(DistributedDownload::row), SCHEMA);
      SparkDownloadSummary summary =
          tally.summary(
              job.bucket(), unitBytes, ranges.size(), Duration.ofNanos(System.nanoTime() - start));
      return new SparkDownload(rows, summary);
    } catch (Exception e) {
      // Spark's jobs throw SparkException, which Scala does not declare: catch it as Exception.
      throw unwrap(e);
    } finally {
      listed.unpersist(false);
      if (done != null) {
        done.unpersist(false);
      }
    }
  }

  /**
   * Returns the error of a task that failed on every attempt, when it is one of Retriever's (a
   * destination that cannot be written, a listing refused): that message says what to do, where
   * Spark's says which stage and task. Anything else stays Spark's.
   */
  static RuntimeException unwrap(Exception e) {
    if (!(e instanceof SparkException)) {
      return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof RetrieverException r) {
        return new RetrieverException(
            r.reason(), r.getMessage() + " (a Spark task failed on every attempt)", e);
      }
    }
    return new IllegalStateException(e.getMessage(), e);
  }

  private static Iterator<Packing.Totals> totals(int partition, Iterator<ListedObject> objects) {
    long count = 0;
    long bytes = 0;
    long cost = 0;
    while (objects.hasNext()) {
      ListedObject o = objects.next();
      count++;
      bytes += o.size();
      cost += Packing.cost(o.size());
    }
    return List.of(new Packing.Totals(partition, count, bytes, cost)).iterator();
  }

  /**
   * Tags the work of each object of a listing partition with its unit, as Spark pulls them: a whole
   * object, or the pieces of one split across units.
   */
  private static Iterator<Tuple2<Integer, WorkItem>> assign(
      Packing packing, int partition, Iterator<ListedObject> objects, long splitSize) {
    return new Iterator<>() {
      private long offset = packing.offsets()[partition];
      private Iterator<Packing.Assigned> pending = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        return pending.hasNext() || objects.hasNext();
      }

      @Override
      public Tuple2<Integer, WorkItem> next() {
        if (!pending.hasNext()) {
          ListedObject o = objects.next();
          pending = packing.assign(offset, o, splitSize).iterator();
          offset += Packing.cost(o.size());
        }
        Packing.Assigned a = pending.next();
        return new Tuple2<>(a.unit(), a.item());
      }
    };
  }

  private static Row row(ObjectOutcome o) {
    return RowFactory.create(o.key(), o.bytes(), o.path(), o.status(), o.error(), o.unit());
  }
}
