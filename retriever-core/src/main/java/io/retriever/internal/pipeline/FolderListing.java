package io.retriever.internal.pipeline;

import io.retriever.internal.s3.ListingPages;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.s3.model.S3Object;

/*
 * One continuation token at a time lists at most a few thousand keys a second, so a prefix of
 * millions of keys would take minutes before its last object could start. A prefix's folders (the
 * common prefixes of a listing with the delimiter "/") are listed instead by up to PARALLEL
 * listings at once, each a ListingPages of its own with all its checks, a few pages ahead of the
 * chunker. The keys still come out in key order: the keys beside the folders and the folders are
 * merged in UTF-8 order, and each folder's keys are handed over whole, in turn.
 *
 * What it costs: a folder is at least one request, where one recursive page holds up to 1,000
 * keys. So once the folders handed over average fewer than SMALL_FOLDER keys, the rest of the
 * prefix is listed in one recursive listing that starts after the last key handed over; a prefix
 * of a million one-key folders costs about as many requests as listing it recursively. A prefix
 * without folders costs nothing more: the listing with the delimiter is then the listing. A prefix
 * that holds nothing but one folder is looked into, down to MAX_DEPTH levels, so that
 * "data/" holding only "data/2024/" still fans out over 2024's months.
 *
 * Memory: the page being merged, and PAGES_AHEAD pages for each of at most PARALLEL folders.
 */
/** Lists a prefix folder by folder, several folders at once, keys in order. */
final class FolderListing {
  /** Folders listed at once. */
  static final int PARALLEL = 8;

  /** Average keys per folder below which folders are no longer listed one by one. */
  static final int SMALL_FOLDER = 100;

  /** Levels of lone folders looked into. */
  static final int MAX_DEPTH = 4;

  /** Pages a folder's listing may run ahead of the keys handed over. */
  private static final int PAGES_AHEAD = 2;

  private static final String DELIMITER = "/";

  /** Ends a folder's pages. */
  private static final Object END = new Object();

  /**
   * Opens the listing of a prefix, with a delimiter or (null) without, after a key or (null) not.
   */
  @FunctionalInterface
  interface Opener {
    ListingPages open(String prefix, String delimiter, String startAfter);
  }

  /** Takes each listed object, in key order. */
  @FunctionalInterface
  interface Out {
    void add(S3Object object) throws InterruptedException;
  }

  private final Opener opener;
  private final Threads threads;
  private final Metrics metrics;

  /** The folders' listings started and not yet handed over, in key order. */
  private final Map<String, BlockingQueue<Object>> started = new LinkedHashMap<>();

  private ExecutorService pool;

  /** The greatest key handed over, or folder finished, so far; null before the first. */
  private String position;

  FolderListing(Opener opener, Threads threads, Metrics metrics) {
    this.opener = opener;
    this.threads = threads;
    this.metrics = metrics;
  }

  /** Lists {@code prefix} into {@code out}, in key order. */
  void list(String prefix, Out out) throws InterruptedException {
    try {
      list(prefix, out, 0);
    } finally {
      if (pool != null) {
        pool.shutdownNow();
        // This thread is usually here because it was interrupted: wait for the listings anyway.
        Waits.awaitTermination(pool, TimeUnit.SECONDS.toMillis(30));
      }
    }
  }

  private void list(String prefix, Out out, int depth) throws InterruptedException {
    ListingPages top = opener.open(prefix, DELIMITER, null);
    long folders = 0;
    long keysInFolders = 0;
    boolean first = true;
    for (List<S3Object> keys = top.next(); keys != null; keys = top.next()) {
      List<String> prefixes = top.prefixes();
      if (first && keys.isEmpty() && prefixes.size() == 1 && depth < MAX_DEPTH && top.isDone()) {
        list(prefixes.get(0), out, depth + 1);
        return;
      }
      first = false;
      int k = 0;
      int f = 0;
      while (k < keys.size() || f < prefixes.size()) {
        if (f == prefixes.size()
            || (k < keys.size() && before(keys.get(k).key(), prefixes.get(f)))) {
          hand(keys.get(k++), out);
          continue;
        }
        String folder = prefixes.get(f++);
        boolean small = folders >= 2L * PARALLEL && keysInFolders < folders * SMALL_FOLDER;
        if (small && !started.containsKey(folder)) {
          rest(prefix, out);
          return;
        }
        if (!small) {
          for (int i = f - 1; i < prefixes.size() && started.size() < PARALLEL; i++) {
            start(prefixes.get(i));
          }
        }
        keysInFolders += handOver(folder, out);
        folders++;
      }
    }
  }

  /** Lists everything after the position in one recursive listing. */
  private void rest(String prefix, Out out) throws InterruptedException {
    ListingPages listing = opener.open(prefix, null, position);
    for (List<S3Object> page = listing.next(); page != null; page = listing.next()) {
      for (S3Object o : page) {
        hand(o, out);
      }
    }
  }

  private void hand(S3Object o, Out out) throws InterruptedException {
    out.add(o);
    position = o.key();
  }

  private static boolean before(String key, String folder) {
    return Arrays.compareUnsigned(
            key.getBytes(StandardCharsets.UTF_8), folder.getBytes(StandardCharsets.UTF_8))
        < 0;
  }

  /** Starts listing a folder, unless it is started already. */
  private void start(String folder) {
    if (started.containsKey(folder)) {
      return;
    }
    if (pool == null) {
      AtomicInteger n = new AtomicInteger();
      pool =
          Executors.newFixedThreadPool(
              PARALLEL,
              r ->
                  threads.newThread(
                      StageName.thread(StageName.LISTER + "-folder", n.getAndIncrement()), r));
    }
    BlockingQueue<Object> pages = new ArrayBlockingQueue<>(PAGES_AHEAD + 1);
    started.put(folder, pages);
    pool.execute(
        () -> {
          metrics.countRequestsOnThisThread();
          try {
            try {
              ListingPages listing = opener.open(folder, null, null);
              for (List<S3Object> page = listing.next(); page != null; page = listing.next()) {
                pages.put(page);
              }
              pages.put(END);
            } catch (RuntimeException | Error e) {
              // Whatever ends the listing reaches the merge, which would otherwise wait forever.
              pages.put(e);
            }
          } catch (InterruptedException e) {
            // The listing stopped.
          }
        });
  }

  /** Hands over a folder's keys, in order, as its listing brings them; returns how many. */
  private long handOver(String folder, Out out) throws InterruptedException {
    start(folder);
    BlockingQueue<Object> pages = started.get(folder);
    long n = 0;
    while (true) {
      Object item = pages.take();
      if (item == END) {
        started.remove(folder);
        if (position == null || before(position, folder)) {
          position = folder;
        }
        return n;
      }
      if (item instanceof RuntimeException e) {
        throw e;
      }
      if (item instanceof Error e) {
        throw e;
      }
      @SuppressWarnings("unchecked")
      List<S3Object> page = (List<S3Object>) item;
      for (S3Object o : page) {
        hand(o, out);
        n++;
      }
    }
  }
}
