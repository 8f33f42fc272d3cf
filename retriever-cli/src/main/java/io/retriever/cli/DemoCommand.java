package io.retriever.cli;

import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.Retriever;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.bench.FileTrees;
import io.retriever.bench.profile.Sampler;
import io.retriever.bench.profile.Summary;
import io.retriever.bench.run.Dataset;
import io.retriever.options.Sizes;
import io.retriever.options.TransferOptions;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code retriever demo}: starts the embedded S3 server with S3-like latency and per-request speed,
 * fills it with generated objects, downloads them with the progress bar, verifies every byte,
 * prints the summary and removes everything it made. With {@code --compare} it also runs a plain
 * single-stream GetObject loop over the same objects, alternating with Retriever.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Downloads generated data from an embedded S3 server that answers like S3 across a"
          + " network, verifies it and prints the summary.",
      "Default data: 1 x 256MiB, 16 x 8MiB and 800 x 64KiB objects."
    })
final class DemoCommand implements Callable<Integer> {
  private static final String BUCKET = "demo";

  @Option(
      names = "--objects",
      paramLabel = "COUNTxSIZE[/FOLDERS]",
      split = ",",
      description =
          "Data to generate, e.g. 1x1GiB, 2000x64KiB, or 20000x1KiB/100 (spread over 100"
              + " folders); repeatable.")
  List<String> specs = List.of("1x256MiB", "16x8MiB", "800x64KiB");

  @Option(
      names = "--compare",
      description =
          "Also run a plain single-stream GetObject loop"
              + " over the same objects and print both, with their ratio.")
  boolean compare;

  @Option(
      names = "--runs",
      paramLabel = "N",
      description =
          "Repetitions, alternating with the"
              + " plain loop when comparing; medians are reported (default: ${DEFAULT-VALUE}).")
  int runs = 1;

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;
  @Mixin TransferOptions transfer;

  @Mixin OutputOptions output;
  @Mixin ProfileOptions profile;

  @Override
  public Integer call() throws Exception {
    if (runs < 1) {
      throw UsageError.of(spec, "--runs must be at least 1, got " + runs);
    }
    String checksum = server.checksum();
    PrintStream out = System.out;
    Path storage = Files.createTempDirectory("retriever-demo-store");
    Path downloads = Files.createTempDirectory("retriever-demo-out");
    try (LocalS3 s3 = server.apply(LocalS3.builder().directory(storage)).start()) {
      say(out, "Embedded S3 server at %s: %s", s3.endpoint(), server.describe());
      long started = System.nanoTime();
      List<TestObject> objects = generate(s3, checksum);
      long total = objects.stream().mapToLong(TestObject::size).sum();
      say(
          out,
          "Generated %s (%s) in %.1f s",
          Report.count(objects.size(), "object"),
          Sizes.format(total),
          (System.nanoTime() - started) / 1e9);

      List<DownloadSummary> ours = new ArrayList<>();
      List<Double> plain = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        Path dir = downloads.resolve("retriever-" + run);
        DownloadSummary summary = download(s3, dir);
        verify(objects, dir);
        ours.add(summary);
        say(out, "%s%s", runs > 1 ? "Run " + run + ": " : "", Report.human(summary));
        FileTrees.delete(dir);
        if (compare) {
          dir = downloads.resolve("plain-" + run);
          double seconds = plainLoop(s3, objects, dir);
          verify(objects, dir);
          plain.add(total / seconds);
          say(
              out,
              "%sPlain GetObject loop: %s in %.2f s: %s/s",
              runs > 1 ? "Run " + run + ": " : "",
              Sizes.format(total),
              seconds,
              Sizes.format(total / seconds));
          FileTrees.delete(dir);
        }
      }
      say(
          out,
          "Verified %s byte for byte (SHA-256)%s.",
          Report.count(objects.size(), "object"),
          runs > 1 ? " in every run" : "");
      report(out, ours, plain);
    } finally {
      FileTrees.delete(downloads);
      FileTrees.delete(storage);
    }
    return ExitCode.OK;
  }

  private List<TestObject> generate(LocalS3 s3, String checksum) {
    try {
      return Dataset.generate(s3, BUCKET, "data/", specs, checksum, server.partSize());
    } catch (IllegalArgumentException e) {
      throw UsageError.of(spec, e.getMessage());
    }
  }

  private DownloadSummary download(LocalS3 s3, Path dir) throws IOException {
    Retriever.Builder builder =
        transfer
            .apply(Retriever.builder())
            .endpoint(s3.endpoint())
            .region(s3.region())
            .credentials(s3.accessKey(), s3.secretKey())
            .pathStyle(true);
    if (output.showProgress()) {
      builder.addListener(new ProgressBar(System.err));
    }
    try (Sampler sampler = profile.start(builder);
        Retriever retriever = builder.build()) {
      return retriever.toDirectory(DownloadRequest.prefix(BUCKET, "data/"), dir).await();
    }
  }

  /** Fetches each object with one GetObject, one object after another; returns seconds. */
  private static double plainLoop(LocalS3 s3, List<TestObject> objects, Path dir)
      throws IOException {
    long started = System.nanoTime();
    try (S3Client client = s3.newClient()) {
      for (TestObject o : objects) {
        Path file = dir.resolve(o.key().substring("data/".length()));
        Files.createDirectories(file.getParent());
        client.getObject(b -> b.bucket(BUCKET).key(o.key()), ResponseTransformer.toFile(file));
      }
    }
    return (System.nanoTime() - started) / 1e9;
  }

  private static void verify(List<TestObject> objects, Path dir) throws IOException {
    for (TestObject o : objects) {
      Path file = dir.resolve(o.key().substring("data/".length()));
      if (!Files.exists(file) || !TestData.sha256(file).equals(o.sha256())) {
        throw new RetrieverException(
            Reason.SERVER,
            "verification failed: "
                + file
                + " does not hold the bytes of s3://"
                + BUCKET
                + "/"
                + o.key());
      }
    }
  }

  private void report(PrintStream out, List<DownloadSummary> ours, List<Double> plain) {
    double oursMedian = median(ours.stream().map(DownloadSummary::bytesPerSecond).toList());
    double objectsMedian = median(ours.stream().map(DownloadSummary::objectsPerSecond).toList());
    Map<String, Object> fields = Report.fields(ours.get(ours.size() - 1));
    fields.put("runs", runs);
    fields.put("median_throughput_mibps", round(oursMedian / (1 << 20)));
    fields.put("median_objects_per_s", round(objectsMedian));
    if (!plain.isEmpty()) {
      double plainMedian = median(plain);
      fields.put("plain_getobject_median_mibps", round(plainMedian / (1 << 20)));
      fields.put("ratio_to_plain_getobject", round(oursMedian / plainMedian));
      say(
          out,
          "Median of %d: Retriever %s/s, plain GetObject loop %s/s: %.1fx",
          runs,
          Sizes.format(oursMedian),
          Sizes.format(plainMedian),
          oursMedian / plainMedian);
    }
    if (output.json) {
      System.out.println(Report.json(fields));
    }
  }

  private void say(PrintStream out, String format, Object... args) {
    if (!output.quiet && !output.json) {
      out.println(String.format(Locale.ROOT, format, args));
    }
  }

  private static double median(List<Double> values) {
    return Summary.percentile(values.stream().sorted().toList(), 50);
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
