package io.retriever.cli;

import io.retriever.Retriever;
import io.retriever.bench.profile.PipelineProbe;
import io.retriever.bench.profile.Sampler;
import io.retriever.bench.profile.SystemProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options that record a profile of a download. */
final class ProfileOptions {
  @Option(
      names = "--samples-out",
      paramLabel = "FILE",
      description =
          "Record system and pipeline samples to FILE (JSON Lines) and their summary to"
              + " FILE.summary.json.")
  Path file;

  /** The former name of --samples-out, easily taken for the AWS --profile. */
  @Option(names = "--profile-out", hidden = true)
  void legacyFile(Path legacy) {
    this.file = legacy;
  }

  @Option(
      names = {"--samples-interval", "--profile-interval"},
      paramLabel = "MILLIS",
      description = "Sampling interval of --samples-out in ms (default: ${DEFAULT-VALUE}).")
  long millis = 100;

  /** Set by {@code retriever bench}, which samples the process from outside. */
  @Option(names = "--profile-pipeline-only", hidden = true)
  boolean pipelineOnly;

  /**
   * Adds the pipeline probe to {@code builder} and starts sampling this process; returns null when
   * no profile was asked for. The caller closes the sampler after the download; closing it says on
   * stderr if it could not keep its interval.
   */
  Sampler start(Retriever.Builder builder) throws IOException {
    if (file == null) {
      return null;
    }
    Duration interval = Duration.ofMillis(Math.max(10, millis));
    PipelineProbe probe = new PipelineProbe();
    builder.addListener(probe).progressInterval(interval);
    SystemProbe system = pipelineOnly ? null : SystemProbe.self();
    return new Sampler(system, probe, interval, file, System.err);
  }
}
