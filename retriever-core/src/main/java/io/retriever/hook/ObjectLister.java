package io.retriever.hook;

import io.retriever.DownloadRequest;
import io.retriever.ObjectInfo;

/**
 * Replaces the lister stage: finds the objects of a request some other way than ListObjectsV2 or
 * HEAD, e.g. from a manifest file or an S3 Inventory report. Objects are downloaded in the order
 * they are added; the request's filter still applies to them. Size and ETag must be right: every
 * GET is conditional on the ETag ({@code null} turns that off) and ranges are planned from the
 * size.
 *
 * <p>Thread: the lister thread, once per download.
 */
@FunctionalInterface
public interface ObjectLister {
  /** Adds the request's objects to {@code out}, in download order. */
  void list(DownloadRequest request, Listing out) throws Exception;

  /** Where a lister puts what it found; blocks while the download is behind. */
  interface Listing {
    /** Adds one object to the download, waiting while the download is behind. */
    void add(ObjectInfo object) throws InterruptedException;
  }
}
