package io.retriever.spark.internal;

import io.retriever.DownloadRequest;
import io.retriever.ObjectInfo;
import io.retriever.hook.ObjectLister;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lister of an executor's {@code Retriever}: hands each download the objects of its work unit,
 * as the listing tasks found them, so that no object is listed or HEADed twice and every GET is
 * pinned to the listed ETag.
 *
 * <p>Units are known by the identity of their request: the core hands its lister the very request
 * given to {@code toDirectory}, and two tasks of one prefix must not see each other's objects.
 *
 * <p>Concurrency: registered and unregistered by task threads, read by the core's lister threads;
 * one lock guards the map.
 */
final class UnitLister implements ObjectLister {
  /** The objects of each unit running on this executor, by its request. */
  private final Map<DownloadRequest, List<ObjectInfo>> units = new IdentityHashMap<>();

  /** Makes {@code request}'s download list {@code objects}, until {@link #unregister}. */
  synchronized void register(DownloadRequest request, List<ObjectInfo> objects) {
    units.put(request, List.copyOf(objects));
  }

  synchronized void unregister(DownloadRequest request) {
    units.remove(request);
  }

  private synchronized List<ObjectInfo> objectsOf(DownloadRequest request) {
    return units.get(request);
  }

  @Override
  public void list(DownloadRequest request, Listing out) throws InterruptedException {
    List<ObjectInfo> objects = objectsOf(request);
    if (objects == null) {
      throw new IllegalStateException(
          "no work unit registered for "
              + request
              + ": only retriever-spark starts downloads here");
    }
    for (ObjectInfo object : objects) {
      out.add(object);
    }
  }
}
