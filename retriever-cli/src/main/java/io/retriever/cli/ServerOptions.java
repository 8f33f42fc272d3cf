package io.retriever.cli;

import io.retriever.options.Sizes;
import io.retriever.testkit.LocalS3;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/** How the embedded S3 server of the demo and the benchmark imitates S3 across a network. */
final class ServerOptions {
  @Option(
      names = "--latency",
      paramLabel = "MILLIS",
      description = "First-byte latency of every request in ms (default: ${DEFAULT-VALUE}).")
  long latencyMillis = 25;

  @Option(
      names = "--stream-speed",
      paramLabel = "SIZE",
      converter = Sizes.class,
      description = "Speed cap of each response body per second (default: 60MiB).")
  long streamSpeed = 60L << 20;

  /** Applies the latency and speed to a server about to start. */
  LocalS3.Builder apply(LocalS3.Builder builder) {
    return builder
        .firstByteLatency(Duration.ofMillis(latencyMillis))
        .streamBytesPerSecond(streamSpeed);
  }

  /** Describes the settings for people. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "%d ms first-byte latency, %s/s per request",
        latencyMillis,
        Sizes.format(streamSpeed));
  }
}
