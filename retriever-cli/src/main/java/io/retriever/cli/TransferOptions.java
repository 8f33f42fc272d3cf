package io.retriever.cli;

import io.retriever.Retriever;
import io.retriever.RetrieverException;
import io.retriever.bench.Sizes;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Options that tune a download. */
final class TransferOptions {
  @Option(
      names = {"-c", "--concurrency"},
      paramLabel = "N",
      description = "GET requests in flight at once (default: ${DEFAULT-VALUE}).")
  int concurrency = Retriever.DEFAULT_CONCURRENCY;

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
      description =
          "In-flight byte budget bounding all buffered bytes, e.g. 256MiB (default: 256MiB).")
  long maxMemory = Retriever.DEFAULT_MAX_IN_FLIGHT_BYTES;

  @Option(
      names = "--max-bandwidth",
      paramLabel = "SIZE",
      converter = Sizes.class,
      description = "Cap the download at SIZE per second, e.g. 100MiB (default: no cap).")
  long maxBandwidth;

  @Option(
      names = "--target-gbps",
      paramLabel = "GBPS",
      description =
          "Tune the number of connections toward this throughput in Gbit/s instead of fixing"
              + " it; -c is then the ceiling (default: no target).")
  double targetGbps;

  @Option(
      names = "--stall-timeout",
      paramLabel = "SECONDS",
      description =
          "Retry a request on a new connection when no byte came for this long (default: 10).")
  int stallTimeoutSeconds = 10;

  @Option(
      names = "--no-verify",
      description =
          "Do not check objects against the checksums S3 offers (for stores whose ETags are not"
              + " MD5s).")
  boolean noVerify;

  /**
   * Applies these options; an invalid value is a usage error (exit 2) whose one line names the
   * option and says the fix.
   */
  Retriever.Builder apply(Retriever.Builder builder, CommandSpec spec) {
    option(
        spec,
        "--stall-timeout",
        () -> builder.stallTimeout(Duration.ofSeconds(stallTimeoutSeconds)));
    builder.verify(!noVerify);
    option(spec, "--concurrency", () -> builder.concurrency(concurrency));
    option(spec, "--chunk-size", () -> builder.chunkSize(chunkSize));
    option(spec, "--max-memory", () -> builder.maxInFlightBytes(maxMemory));
    option(spec, "--max-bandwidth", () -> builder.maxBandwidth(maxBandwidth));
    option(spec, "--target-gbps", () -> builder.targetThroughputGbps(targetGbps));
    return builder;
  }

  /**
   * Builds the Retriever; settings that do not fit together (a budget smaller than a chunk) are a
   * usage error, as a single invalid value is.
   */
  static Retriever build(Retriever.Builder builder, CommandSpec spec) {
    Retriever[] built = new Retriever[1];
    option(spec, "--max-memory", () -> built[0] = builder.build());
    return built[0];
  }

  /** Runs a setter of the builder, turning its refusal into a usage error naming {@code flag}. */
  private static void option(CommandSpec spec, String flag, Runnable set) {
    try {
      set.run();
    } catch (RetrieverException e) {
      if (e.reason() != RetrieverException.Reason.INVALID) {
        throw e;
      }
      throw new ParameterException(spec.commandLine(), flag + ": " + e.getMessage(), e);
    }
  }
}
