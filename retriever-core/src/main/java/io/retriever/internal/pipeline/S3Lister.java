package io.retriever.internal.pipeline;

import io.retriever.DownloadRequest;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.hook.ObjectLister;
import io.retriever.internal.s3.ListedObjects;
import io.retriever.internal.s3.ListingPages;
import io.retriever.internal.s3.Outage;
import io.retriever.internal.s3.S3Access;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The built-in lister: a prefix is listed page by page ({@link ListingPages} asks for a page again
 * when it fails on the way, and refuses paging that would lose, repeat or loop); explicit keys are
 * HEADed in parallel and passed on in the order given. Listed sizes and ETags are used as they are,
 * so no listed object is HEADed. Keys ending in {@code /} are folder markers, handed to their own
 * consumer.
 *
 * <p>Concurrency: runs on the lister thread; HEADs run on a small pool it owns.
 */
final class S3Lister implements ObjectLister {
  /** Most HEAD requests in flight at once for a list of keys. */
  private static final int MAX_PARALLEL_HEADS = 16;

  private final S3Access s3;
  private final int maxAttempts;
  private final int maxRetries;
  private final Metrics metrics;
  private final Threads threads;
  private final Outage outage;

  /**
   * @param maxAttempts attempts per page or HEAD
   * @param maxRetries retries the whole download may spend
   * @param outage the download's knowledge of the store's reachability, which pages ride through
   */
  S3Lister(
      S3Access s3,
      int maxAttempts,
      int maxRetries,
      Metrics metrics,
      Threads threads,
      Outage outage) {
    this.outage = outage;
    this.s3 = s3;
    this.maxAttempts = maxAttempts;
    this.maxRetries = maxRetries;
    this.metrics = metrics;
    this.threads = threads;
  }

  @Override
  public void list(DownloadRequest request, Listing out) throws InterruptedException {
    list(request, out, marker -> {});
  }

  /**
   * Lists the request's objects into {@code out}, and the folder markers (keys ending in {@code /})
   * a prefix's listing holds into {@code folders}.
   */
  void list(DownloadRequest request, Listing out, Listing folders) throws InterruptedException {
    if (request.isPrefix()) {
      listPrefix(request.bucket(), request.prefix(), out, folders);
    } else {
      headKeys(request, out);
    }
  }

  private void listPrefix(String bucket, String prefix, Listing out, Listing folders)
      throws InterruptedException {
    FolderListing listing =
        new FolderListing(
            (under, delimiter, startAfter) ->
                new ListingPages(
                        s3,
                        bucket,
                        under,
                        maxAttempts,
                        metrics.requests::incrementAndGet,
                        new ListingPages.RetryBudget() {
                          @Override
                          public boolean spend() {
                            return metrics.retries.incrementAndGet() <= maxRetries;
                          }

                          @Override
                          public void rodeThrough() {
                            metrics.outageRetries.incrementAndGet();
                          }
                        },
                        delimiter,
                        startAfter)
                    .ridingThrough(outage),
            threads,
            metrics);
    listing.list(
        prefix,
        o -> {
          if (o.key().endsWith("/")) {
            folders.add(new ObjectInfo(bucket, o.key(), o.size(), o.eTag(), o.lastModified()));
            return;
          }
          out.add(ListedObjects.info(bucket, o));
        });
  }

  private void headKeys(DownloadRequest request, Listing out) throws InterruptedException {
    AtomicInteger n = new AtomicInteger();
    int parallel = Math.min(MAX_PARALLEL_HEADS, request.keys().size());
    ExecutorService pool =
        Executors.newFixedThreadPool(
            parallel,
            r ->
                threads.newThread(
                    StageName.thread(StageName.LISTER + "-head", n.getAndIncrement()),
                    () -> {
                      metrics.countRequestsOnThisThread();
                      r.run();
                    }));
    try {
      Deque<Future<ObjectInfo>> window = new ArrayDeque<>();
      Iterator<String> keys = request.keys().iterator();
      while (keys.hasNext() || !window.isEmpty()) {
        while (keys.hasNext() && window.size() < 2 * parallel) {
          String key = keys.next();
          window.add(
              pool.submit(
                  () -> {
                    metrics.requests.incrementAndGet();
                    ObjectInfo head = s3.head(request.bucket(), key);
                    outage.answered();
                    return head;
                  }));
        }
        out.add(result(window.removeFirst()));
      }
    } finally {
      pool.shutdownNow();
      // This thread is usually here because it was interrupted: wait for the HEADs regardless.
      Waits.awaitTermination(pool, TimeUnit.SECONDS.toMillis(30));
    }
  }

  private static ObjectInfo result(Future<ObjectInfo> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RetrieverException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
