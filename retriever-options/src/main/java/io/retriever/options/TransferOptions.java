package io.retriever.options;

import io.retriever.Retriever;
import io.retriever.RetrieverException;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options that tune a download, shared by every command that downloads: mix them into a picocli
 * command with {@code @Mixin TransferOptions transfer;}, then {@link #apply} them to a builder and
 * {@link #build} it. Their defaults are the library's.
 */
public final class TransferOptions {
  /** The command this is mixed into: its usage errors are that command's. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

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
      names = "--max-outage",
      paramLabel = "DURATION",
      converter = Durations.class,
      description =
          "Once the store has answered, ride through an outage (refused or reset connections,"
              + " timeouts, 5xx) for this long without progress before failing, e.g. 90s, 5m;"
              + " 0 fails at once (default: 5m).")
  Duration maxOutage = Retriever.DEFAULT_MAX_OUTAGE;

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
  public Retriever.Builder apply(Retriever.Builder builder) {
    option("--stall-timeout", () -> builder.stallTimeout(Duration.ofSeconds(stallTimeoutSeconds)));
    builder.verify(!noVerify);
    option("--max-outage", () -> builder.maxOutage(maxOutage));
    option("--concurrency", () -> builder.concurrency(concurrency));
    option("--chunk-size", () -> builder.chunkSize(chunkSize));
    option("--max-memory", () -> builder.maxInFlightBytes(maxMemory));
    option("--max-bandwidth", () -> builder.maxBandwidth(maxBandwidth));
    option("--target-gbps", () -> builder.targetThroughputGbps(targetGbps));
    return builder;
  }

  /**
   * Builds the Retriever; settings that do not fit together (a budget smaller than a chunk) are a
   * usage error, as a single invalid value is.
   */
  public Retriever build(Retriever.Builder builder) {
    Retriever[] built = new Retriever[1];
    option("--max-memory", () -> built[0] = builder.build());
    return built[0];
  }

  /** Runs a setter of the builder, turning its refusal into a usage error naming {@code flag}. */
  private void option(String flag, Runnable set) {
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
