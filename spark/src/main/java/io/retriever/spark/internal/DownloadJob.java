package io.retriever.spark.internal;

import io.retriever.DownloadRequest;
import io.retriever.ObjectInfo;
import io.retriever.spark.ObjectOutcome;
import io.retriever.spark.SparkDownloadOptions;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Iterator;
import scala.Tuple2;

/**
 * What every task of one distributed download needs, shipped to it by Spark: where from, where to
 * and how.
 *
 * @param destination an absolute path (a shared directory, or each node's own) or a Hadoop
 *     FileSystem URI, as {@code kind} says
 * @param run this download's own name, in the names of its split objects' temporary files, so that
 *     two downloads into one place at once never write into each other's
 */
record DownloadJob(
    String bucket,
    String prefix,
    String destination,
    Kind kind,
    SparkDownloadOptions options,
    String run)
    implements Serializable {

  /** What the destination is. */
  enum Kind {
    /** A directory every executor sees. */
    SHARED,
    /** A directory on each node's own disk. */
    NODE_LOCAL,
    /** A Hadoop FileSystem directory. */
    HADOOP
  }

  /**
   * Returns where {@code object} lands below the destination directory (shared or node-local).
   *
   * @throws io.retriever.RetrieverException if its key is not safe as a path there
   */
  Path pathOf(ObjectInfo object) {
    return DownloadRequest.prefix(bucket, prefix).pathIn(Path.of(destination), object);
  }

  /** Lists {@code ranges} on this executor, keeping what the filter takes. */
  Iterator<ListedObject> list(Iterator<KeyRange> ranges) {
    DownloadRequest filter = DownloadRequest.prefix(bucket, prefix).withFilter(options.filter());
    return new RangeLister(ExecutorRetrievers.get(options).retriever(), bucket, filter, ranges);
  }

  /** Downloads work unit {@code unit} on this executor. */
  Iterator<Done> download(int unit, Iterator<WorkItem> items) throws InterruptedException {
    return new UnitDownloader(this).download(unit, items);
  }

  /** Puts a split object in place once its pieces are in, on this executor. */
  ObjectOutcome commit(Tuple2<String, Iterable<Done>> pieces) {
    return SplitObject.commit(this, pieces._2());
  }
}
