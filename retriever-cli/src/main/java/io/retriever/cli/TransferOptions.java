package io.retriever.cli;

import io.retriever.Retriever;
import io.retriever.bench.Sizes;
import java.time.Duration;
import picocli.CommandLine.Option;

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

  /** Applies these options; invalid values fail with a message that says the fix. */
  Retriever.Builder apply(Retriever.Builder builder) {
    return builder
        .stallTimeout(Duration.ofSeconds(stallTimeoutSeconds))
        .verify(!noVerify)
        .concurrency(concurrency)
        .chunkSize(chunkSize)
        .maxInFlightBytes(maxMemory)
        .maxBandwidth(maxBandwidth)
        .targetThroughputGbps(targetGbps);
  }
}
