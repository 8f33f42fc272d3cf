package io.retriever.spark.internal;

import io.retriever.DownloadRequest;
import io.retriever.spark.ObjectOutcome;
import io.retriever.spark.SparkDownloadOptions;
import java.io.Serializable;
import java.util.Iterator;

/**
 * What every task of one distributed download needs, shipped to it by Spark: where from, where to
 * and how.
 *
 * @param destination an absolute path that every executor sees (a shared file system)
 */
record DownloadJob(String bucket, String prefix, String destination, SparkDownloadOptions options)
    implements Serializable {

  /** Lists {@code ranges} on this executor, keeping what the filter takes. */
  Iterator<ListedObject> list(Iterator<KeyRange> ranges) {
    DownloadRequest filter = DownloadRequest.prefix(bucket, prefix).withFilter(options.filter());
    return new RangeLister(ExecutorRetrievers.get(options).retriever(), bucket, filter, ranges);
  }

  /** Downloads work unit {@code unit} on this executor. */
  Iterator<ObjectOutcome> download(int unit, Iterator<ListedObject> objects) {
    return new UnitDownloader(this).download(unit, objects);
  }
}
