package io.retriever.spark.internal.source;

import io.retriever.spark.internal.ExecutorReads;
import io.retriever.spark.internal.KeyRange;
import io.retriever.spark.internal.ListedObject;
import io.retriever.spark.internal.Planner;
import io.retriever.spark.internal.S3Listing;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Lists a read's objects for the driver: the prefix (narrowed by the pushed filters), keeping what
 * the include and exclude rules and the pushed filters take. Keys ending in {@code /} with no bytes
 * are folder markers and are left out.
 *
 * <p>As a distributed download does, the driver reads the first pages of a delimiter listing and
 * splits the key space into ranges (its folders, and {@code StartAfter} ranges past those pages);
 * when more than one range is left to list, a Spark job lists them in tasks, in parallel, with the
 * core's checks on every page, applies the rules and filters there, and sends the driver what they
 * keep.
 *
 * <p>Memory: the driver holds every kept object's metadata (about 250 bytes each with a
 * 60-character key) until the partitions are planned and sent: four million take about 1 GiB.
 */
final class ObjectListing {
  private ObjectListing() {}

  /** Returns the objects under {@code in} that the read's rules and {@code tests} keep. */
  static List<ListedObject> list(
      SparkSession spark, ReadOptions options, List<ObjectFilters.Test> tests, String in) {
    List<KeyRange> ranges;
    try (S3Listing listing = new S3Listing(options.download())) {
      ranges = new Planner(listing, Planner.DEFAULT_MAX_PAGES).plan(options.bucket(), in);
    }
    List<KeyRange> known = ranges.stream().filter(r -> !r.known().isEmpty()).toList();
    List<KeyRange> rest = ranges.stream().filter(r -> r.known().isEmpty()).toList();
    Task task = new Task(options, tests);
    List<ListedObject> kept = new ArrayList<>();
    task.call(known.iterator()).forEachRemaining(kept::add);
    if (rest.size() <= 1) {
      task.call(rest.iterator()).forEachRemaining(kept::add);
      return kept;
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int tasks = Math.min(rest.size(), 3 * Math.max(1, sc.defaultParallelism()));
    try {
      kept.addAll(sc.parallelize(rest, tasks).mapPartitions(task::call).collect());
    } catch (Exception e) {
      // Spark's jobs throw SparkException, which Scala does not declare: catch it as Exception.
      throw ExecutorReads.unwrap(e);
    }
    return kept;
  }

  /**
   * Lists key ranges on an executor (or the driver), keeping what the rules and the filters take.
   */
  private record Task(ReadOptions options, List<ObjectFilters.Test> tests) implements Serializable {
    Iterator<ListedObject> call(Iterator<KeyRange> ranges) {
      Iterator<ListedObject> listed =
          ExecutorReads.list(options.download(), options.bucket(), options.prefix(), ranges);
      List<ListedObject> kept = new ArrayList<>();
      while (listed.hasNext()) {
        ListedObject o = listed.next();
        if (tests.stream().allMatch(t -> t.test(o))) {
          kept.add(o);
        }
      }
      return kept.iterator();
    }
  }
}
