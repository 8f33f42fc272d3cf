package io.retriever.spark;

import io.retriever.Retriever;
import io.retriever.RetrieverException;
import io.retriever.S3Uri;
import io.retriever.options.Sizes;
import io.retriever.spark.internal.DistributedDownload;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import scala.Tuple2;

/**
 * {@code retriever-spark get}: the distributed download as a command, for {@code spark-submit} or a
 * local Spark, with {@code retriever get}'s main options. Exits 0 when every object is in place, 1
 * when the download or some objects failed (each named on stderr), 2 on a usage error.
 *
 * <pre>
 * spark-submit --class io.retriever.spark.SparkGet retriever-spark.jar \
 *     get s3://my-bucket/datasets/train/ /mnt/shared/train
 * </pre>
 */
@Command(
    name = "retriever-spark",
    mixinStandardHelpOptions = true,
    subcommands = {SparkGet.Get.class, SparkGet.WarmUp.class},
    description = "Downloads from S3 across a Spark cluster.")
public final class SparkGet {
  static final int OK = 0;
  static final int FAILURE = 1;
  static final int USAGE = 2;

  /** Failed objects named one by one on stderr; the rest are counted. */
  private static final int MAX_NAMED = 100;

  private SparkGet() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code. */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(SparkGet.class);
    cli.setParameterExceptionHandler(
        (error, ignored) -> {
          PrintWriter err = error.getCommandLine().getErr();
          err.println(
              "retriever-spark: "
                  + error.getMessage().strip()
                  + "; 'retriever-spark get --help' lists the options");
          err.flush();
          return USAGE;
        });
    cli.setExecutionExceptionHandler(
        (error, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("retriever-spark: " + oneLine(error));
          err.flush();
          boolean invalid =
              error instanceof IllegalArgumentException
                  || error instanceof RetrieverException e
                      && e.reason() == RetrieverException.Reason.INVALID;
          return invalid ? USAGE : FAILURE;
        });
    return cli.execute(args);
  }

  /**
   * Returns the message that says what went wrong: Retriever's own, when a Spark job failure wraps
   * one, else the first line of the error's.
   */
  static String oneLine(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      if (e instanceof RetrieverException) {
        return e.getMessage();
      }
    }
    String message = String.valueOf(error.getMessage()).strip();
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }

  /** {@code get SOURCE DEST}: every object under SOURCE into the shared directory DEST. */
  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Downloads every object under a prefix into a directory every executor sees, each node's"
            + " own disk (node-local:/path) or a Hadoop FileSystem (hdfs://...).",
        "A rerun skips the files already complete; Spark's task retries are harmless."
      })
  static final class Get implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "s3://bucket/prefix/")
    String source;

    @Parameters(
        index = "1",
        paramLabel = "DEST",
        description =
            "A directory every executor mounts; node-local:/path for each node's own disk;"
                + " scheme://... for a Hadoop FileSystem (hdfs://namenode/data).")
    String destination;

    @Option(
        names = "--master",
        paramLabel = "URL",
        description = "Spark master when spark-submit gives none (default: local[*]).")
    String master;

    @Option(
        names = "--endpoint-url",
        paramLabel = "URL",
        description = "An S3-compatible endpoint.")
    URI endpoint;

    @Option(names = "--region", description = "Region of the bucket.")
    String region;

    @Option(
        names = "--profile",
        paramLabel = "PROFILE",
        description =
            "Use the credentials (and region) of this profile of the AWS config files, on every"
                + " executor.")
    String profile;

    @Option(names = "--no-sign-request", description = "Send unsigned requests (public buckets).")
    boolean anonymous;

    @Option(names = "--path-style", description = "Put the bucket in the URL path.")
    boolean pathStyle;

    @Option(
        names = {"-c", "--concurrency"},
        paramLabel = "N",
        description =
            "GET requests in flight per executor (default: 16 per core, at least 64, at most 256).")
    int concurrency;

    @Option(
        names = "--chunk-size",
        paramLabel = "SIZE",
        converter = Sizes.class,
        description = "Bytes per ranged GET, e.g. 8MiB (default: 8MiB).")
    long chunkSize = Retriever.DEFAULT_CHUNK_SIZE;

    @Option(
        names = "--max-memory",
        paramLabel = "SIZE",
        converter = Sizes.class,
        description = "In-flight byte budget per executor (default: a quarter of its heap).")
    long maxMemory;

    @Option(names = "--overwrite", description = "Replace files that already exist.")
    boolean overwrite;

    @Option(
        names = "--split-size",
        paramLabel = "SIZE",
        converter = Sizes.class,
        description =
            "Fewest bytes of one object a Spark task takes when a large object is split across"
                + " tasks (default: 64MiB; 0 keeps objects whole).")
    long splitSize = SparkDownloadOptions.DEFAULT_SPLIT_SIZE;

    private final SparkDownloadOptions.Builder options = SparkDownloadOptions.builder();

    @Option(
        names = "--include",
        paramLabel = "GLOB",
        description = "Take keys matching GLOB (relative to the prefix's last /); repeatable.")
    void include(String glob) {
      options.include(glob);
    }

    @Option(
        names = "--exclude",
        paramLabel = "GLOB",
        description = "Leave keys matching GLOB; repeatable. The last matching rule decides.")
    void exclude(String glob) {
      options.exclude(glob);
    }

    @Override
    public Integer call() {
      S3Uri uri = S3Uri.parse(source);
      options.pathStyle(pathStyle).overwrite(overwrite).concurrency(concurrency);
      options.chunkSize(chunkSize).maxInFlightBytes(maxMemory).splitSize(splitSize);
      if (endpoint != null) {
        options.endpoint(endpoint);
      }
      if (region != null) {
        options.region(region);
      }
      if (profile != null) {
        options.profile(profile);
      }
      if (anonymous) {
        options.anonymous();
      }
      SparkDownload download =
          RetrieverSpark.download(
              session(), uri, SparkDestination.parse(destination), options.build());
      SparkDownloadSummary summary = download.summary();
      if (!summary.complete()) {
        List<String> failures =
            download
                .failures()
                .selectExpr("concat(key, ': ', error)")
                .as(Encoders.STRING())
                .takeAsList(MAX_NAMED);
        for (String failure : failures) {
          System.err.println("retriever-spark: failed: " + failure);
        }
        if (summary.failed() > failures.size()) {
          System.err.println(
              "retriever-spark: and " + (summary.failed() - failures.size()) + " more");
        }
      }
      System.out.println("Downloaded " + summary);
      if (!summary.complete()) {
        System.err.println(
            "retriever-spark: "
                + summary.failed()
                + " of "
                + summary.objects()
                + " objects failed (each is named above); rerun the command to retry them");
        return FAILURE;
      }
      return OK;
    }

    private SparkSession session() {
      SparkConf conf = new SparkConf();
      SparkSession.Builder builder = SparkSession.builder().appName("retriever-spark get");
      if (master != null) {
        builder.master(master);
      } else if (!conf.contains("spark.master")) {
        builder.master("local[*]");
      }
      String effective = master != null ? master : conf.get("spark.master", "local[*]");
      if (effective.startsWith("local") && !conf.contains("spark.ui.enabled")) {
        // A local run of one command has nobody to show a web UI to: skip starting one.
        builder.config("spark.ui.enabled", "false");
      }
      return builder.getOrCreate();
    }
  }

  /**
   * {@code warm-up}: runs a small job with a shuffle on a local Spark and exits. The launcher
   * records its class-data archive from it, so that later runs start with Spark's classes already
   * parsed.
   */
  @Command(name = "warm-up", hidden = true)
  static final class WarmUp implements Callable<Integer> {
    @Override
    public Integer call() {
      SparkSession spark =
          SparkSession.builder()
              .appName("retriever-spark warm-up")
              .master("local[2]")
              .getOrCreate();
      try {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Integer> numbers = IntStream.range(0, 64).boxed().toList();
        long groups =
            sc.parallelize(numbers, 4)
                .mapToPair(i -> new Tuple2<>(i % 8, i))
                .groupByKey(3)
                .persist(StorageLevel.MEMORY_AND_DISK())
                .count();
        long rows =
            spark
                .createDataFrame(
                    sc.parallelize(numbers, 2)
                        .map(i -> RowFactory.create("k" + i, (long) i, "p", "failed", "e", i)),
                    DistributedDownload.SCHEMA)
                .filter("status = 'failed'")
                .count();
        return groups == 8 && rows == numbers.size() ? OK : FAILURE;
      } finally {
        spark.stop();
      }
    }
  }
}
