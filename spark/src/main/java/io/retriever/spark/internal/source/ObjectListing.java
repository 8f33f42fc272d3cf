package io.retriever.spark.internal.source;

import io.retriever.DownloadRequest;
import io.retriever.ObjectInfo;
import io.retriever.spark.internal.ExecutorReads;
import io.retriever.spark.internal.ListedObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists a read's objects on the driver: the prefix (narrowed by the pushed filters), with the
 * core's checks on every page, keeping what the include and exclude rules and the pushed filters
 * take. Keys ending in {@code /} with no bytes are folder markers and are left out.
 *
 * <p>Memory: the driver holds every kept object's metadata (about 250 bytes each with a
 * 60-character key) until the partitions are planned and sent: four million take about 1 GiB.
 */
final class ObjectListing {
  private ObjectListing() {}

  /** Returns the objects under {@code in} that the read's rules and {@code tests} keep. */
  static List<ListedObject> list(ReadOptions options, List<ObjectFilters.Test> tests, String in) {
    DownloadRequest rules =
        DownloadRequest.prefix(options.bucket(), options.prefix())
            .withFilter(options.download().filter());
    List<ListedObject> kept = new ArrayList<>();
    for (ObjectInfo info : ExecutorReads.list(options.download(), options.bucket(), in)) {
      boolean marker = info.key().endsWith("/") && info.size() == 0;
      if (marker || !rules.accepts(info.key())) {
        continue;
      }
      ListedObject o = ListedObject.of(info);
      if (tests.stream().allMatch(t -> t.test(o))) {
        kept.add(o);
      }
    }
    return kept;
  }
}
