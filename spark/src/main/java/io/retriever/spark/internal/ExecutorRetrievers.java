package io.retriever.spark.internal;

import io.retriever.Retriever;
import io.retriever.spark.SparkDownloadOptions;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkEnv;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One {@link Retriever} per executor JVM and per S3 setting, shared by all the task slots of the
 * executor: one in-flight byte budget, one pool of downloader workers and one connection pool, so
 * that the executor's tasks share them fairly instead of each starting its own.
 *
 * <p>Sized from the executor: 16 GETs in flight per core (at least 64, as one process has, at most
 * 256), and a quarter of the heap as the budget, unless the options say otherwise.
 *
 * <p>Concurrency: any task thread may ask; the first to ask for a setting builds it. They live as
 * long as the JVM (their threads are daemons) and are closed when it shuts down.
 */
public final class ExecutorRetrievers {
  /**
   * What an executor's downloads share.
   *
   * @param ranges writes the byte ranges of split objects, on a client and pool of its own
   */
  record Shared(Retriever retriever, UnitLister lister, RangeWriter ranges, Closeable close) {}

  /**
   * Keyed by the options that make one {@link Shared}: every option but the filter, overwrite and
   * the units per slot, which are left at fixed values in the key.
   */
  private static final Map<SparkDownloadOptions, Shared> SHARED = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ExecutorRetrievers::closeAll, "retriever-spark-close"));
  }

  private ExecutorRetrievers() {}

  /** Returns {@code o} with what does not shape a retriever left at fixed values. */
  private static SparkDownloadOptions key(SparkDownloadOptions o) {
    return new SparkDownloadOptions(
        o.endpoint(),
        o.region(),
        o.pathStyle(),
        o.accessKeyId(),
        o.secretAccessKey(),
        o.anonymous(),
        o.concurrency(),
        o.chunkSize(),
        o.maxInFlightBytes(),
        List.of(),
        false,
        1,
        0,
        o.profile());
  }

  /** Returns this JVM's shared retriever for {@code options}, building it on first use. */
  static Shared get(SparkDownloadOptions options) {
    return SHARED.computeIfAbsent(key(options), k -> open(options));
  }

  private static Shared open(SparkDownloadOptions o) {
    int cores = executorCores();
    long heap = Runtime.getRuntime().maxMemory();
    int concurrency =
        o.concurrency() > 0
            ? o.concurrency()
            : Math.min(256, Math.max(Retriever.DEFAULT_CONCURRENCY, 16 * cores));
    long budget =
        o.maxInFlightBytes() > 0
            ? o.maxInFlightBytes()
            : Math.max(4 * o.chunkSize(), Math.min(1L << 30, Math.max(64L << 20, heap / 4)));
    UnitLister lister = new UnitLister();
    Retriever.Builder builder =
        Retriever.builder()
            .concurrency(concurrency)
            .chunkSize(o.chunkSize())
            .maxInFlightBytes(budget)
            .pathStyle(o.pathStyle())
            .lister(lister);
    if (o.endpoint() != null) {
      builder.endpoint(URI.create(o.endpoint()));
    }
    String region = S3Listing.region(o);
    if (region != null) {
      builder.region(region);
    }
    if (o.anonymous()) {
      builder.anonymous();
    } else if (o.accessKeyId() != null || o.profile() != null) {
      builder.credentials(S3Listing.credentials(o));
    }
    int rangeGets = Math.max(4, concurrency / 2);
    S3Client client = S3Listing.client(o, rangeGets);
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            rangeGets,
            r -> {
              Thread t = new Thread(r, "retriever-range-" + n.getAndIncrement());
              t.setDaemon(true);
              return t;
            });
    Retriever retriever = builder.build();
    return new Shared(
        retriever,
        lister,
        new RangeWriter(client, pool),
        () -> {
          pool.shutdownNow();
          client.close();
          retriever.close();
        });
  }

  /** Returns the cores Spark gives this executor, else those the JVM sees (a local Spark). */
  private static int executorCores() {
    int available = Runtime.getRuntime().availableProcessors();
    SparkEnv env = SparkEnv.get();
    return env == null ? available : env.conf().getInt("spark.executor.cores", available);
  }

  /** Closes every shared retriever of this JVM. */
  static void closeAll() {
    for (Shared shared : SHARED.values()) {
      try {
        shared.close().close();
      } catch (IOException e) {
        // Closing at exit: nothing left to tell.
      }
    }
    SHARED.clear();
  }
}
