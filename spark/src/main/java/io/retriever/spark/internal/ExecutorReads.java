package io.retriever.spark.internal;

import io.retriever.DownloadRequest;
import io.retriever.MemoryDownload;
import io.retriever.ObjectBytes;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.spark.SparkDownloadOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What the {@code retriever} data source asks of this JVM's shared {@code Retriever} (see {@link
 * ExecutorRetrievers}): listings, and downloads into memory of objects listed already.
 */
public final class ExecutorReads {
  private ExecutorReads() {}

  /**
   * Lists {@code ranges} of a read of {@code prefix} in {@code bucket} as Spark pulls the objects,
   * with the core's checks on every page, keeping what the options' include and exclude rules take
   * (relative to {@code prefix}) and leaving folder markers out.
   */
  public static Iterator<ListedObject> list(
      SparkDownloadOptions options, String bucket, String prefix, Iterator<KeyRange> ranges) {
    DownloadRequest rules = DownloadRequest.prefix(bucket, prefix).withFilter(options.filter());
    return new RangeLister(ExecutorRetrievers.get(options).retriever(), bucket, rules, ranges);
  }

  /**
   * Returns the error of a Spark job that failed, as one of Retriever's when a task failed with one
   * on every attempt.
   */
  public static RuntimeException unwrap(Exception e) {
    return DistributedDownload.unwrap(e);
  }

  /** Returns what an object of {@code size} bytes costs in a unit of work (see {@link Packing}). */
  public static long cost(long size) {
    return Packing.cost(size);
  }

  /**
   * Starts downloading {@code objects} into memory with parallel GETs, each pinned to its listed
   * ETag (no HEAD, no listing), and every object checked as a whole.
   */
  public static Batch toMemory(
      SparkDownloadOptions options, String bucket, List<ListedObject> objects) {
    ExecutorRetrievers.Shared shared = ExecutorRetrievers.get(options);
    List<ObjectInfo> infos = new ArrayList<>(objects.size());
    for (ListedObject o : objects) {
      infos.add(o.toObjectInfo(bucket));
    }
    // A request of its own: the unit lister tells downloads apart by the request's identity.
    DownloadRequest request = DownloadRequest.prefix(bucket, "");
    shared.lister().register(request, infos);
    try {
      return new Batch(shared.lister(), request, infos, shared.retriever().toMemory(request));
    } catch (RuntimeException e) {
      shared.lister().unregister(request);
      throw e;
    }
  }

  /**
   * A download into memory of listed objects.
   *
   * <p>Concurrency: one task's thread.
   */
  public static final class Batch implements AutoCloseable {
    private final UnitLister lister;
    private final DownloadRequest request;
    private final List<ObjectInfo> objects;
    private final MemoryDownload download;

    private Batch(
        UnitLister lister,
        DownloadRequest request,
        List<ObjectInfo> objects,
        MemoryDownload download) {
      this.lister = lister;
      this.request = request;
      this.objects = objects;
      this.download = download;
    }

    /**
     * Waits for every object and returns their bytes in the order given, each checked.
     *
     * @throws io.retriever.RetrieverException if an object could not be fetched or checked
     */
    public List<ObjectBytes> objects() {
      List<ObjectBytes> got = download.objects();
      for (int i = 0; i < objects.size(); i++) {
        // Never a row short or out of place: each object given is accounted for, in order.
        if (i >= got.size() || !got.get(i).object().key().equals(objects.get(i).key())) {
          throw new RetrieverException(
              Reason.SERVER, "the download into memory did not deliver " + objects.get(i).uri());
        }
      }
      return got;
    }

    /** Cancels the download if it still runs, and forgets its objects. */
    @Override
    public void close() {
      try {
        download.close();
      } finally {
        lister.unregister(request);
      }
    }
  }
}
