package io.retriever.cli;

import io.retriever.S3Uri;
import io.retriever.bench.FileTrees;
import io.retriever.bench.report.BenchReport;
import io.retriever.bench.run.BenchmarkRunner;
import io.retriever.bench.run.Dataset;
import io.retriever.bench.run.Implementation;
import io.retriever.bench.run.Implementations;
import io.retriever.bench.run.RunResult;
import io.retriever.bench.run.Target;
import io.retriever.options.Sizes;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestObject;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code retriever bench}: runs Retriever and its peers side by side, each run in its own process,
 * on generated data in the embedded S3 server (S3-like latency and per-request speed) or on a real
 * bucket; sweeps Retriever's settings; writes results and a report with charts.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    subcommands = Ec2Command.class,
    description = {
      "Benchmarks Retriever against its peers, side by side, every byte verified.",
      "Implementations: retriever, getobject (one plain GetObject per object), tm-java and"
          + " tm-crt (the AWS SDK's S3TransferManager on the Java multipart and CRT clients),"
          + " and any external command given with --peer. To measure what hooks cost:"
          + " retriever-lib (the library without hooks), retriever-listener (a listener on every"
          + " hook point), retriever-headers (that, an object interceptor and a request-only"
          + " chunk interceptor) and retriever-hooks (the same with a chunk interceptor that"
          + " sees the bytes).",
      "Writes results.jsonl, results.csv, summary.json, profiles/, PNG charts and report.html"
          + " into --out."
    })
final class BenchCommand implements Callable<Integer> {
  private static final String BUCKET = "bench";
  private static final long MEMORY_STORAGE_LIMIT = 512L << 20;
  private static final List<String> SWEEPS =
      List.of("concurrency", "chunk-size", "max-memory", "target-gbps", "downloads");

  @Option(
      names = "--objects",
      paramLabel = "COUNTxSIZE[/FOLDERS]",
      split = ",",
      description =
          "Data to generate in the embedded server, e.g. 1x1GiB, 2000x64KiB, or"
              + " 20000x1KiB/100 (spread over 100 folders)"
              + " (default: ${DEFAULT-VALUE}).")
  List<String> objects = List.of("1x1GiB");

  @Option(
      names = "--source",
      paramLabel = "s3://BUCKET/PREFIX",
      description =
          "Benchmark a real bucket instead (with --endpoint-url, --region, credentials"
              + " or --no-sign-request).")
  String source;

  @Option(
      names = "--impl",
      split = ",",
      description = "Implementations to run (default: ${DEFAULT-VALUE}).")
  List<String> impls = Implementations.PEERS;

  @Option(
      names = "--peer",
      paramLabel = "NAME=COMMAND",
      description =
          "An external command to"
              + " run beside them, with placeholders {endpoint} {region} {bucket} {prefix} {uri} {dest};"
              + " credentials are in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
  List<String> peers = new ArrayList<>();

  @Option(
      names = "--sweep",
      paramLabel = "SETTING=V1,V2",
      description =
          "Run Retriever with"
              + " every combination of these settings: concurrency, chunk-size, max-memory, target-gbps;"
              + " and downloads=N (library implementations: one process downloads the data N times).")
  List<String> sweeps = new ArrayList<>();

  @Option(names = "--runs", description = "Measured repetitions (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(
      names = "--warmup",
      description = "Warm-up runs of each, not counted (default: ${DEFAULT-VALUE}).")
  int warmup = 1;

  @Option(
      names = "--jvm-opts",
      paramLabel = "OPTS",
      description = "JVM options of the built-in implementations' processes (default: none).")
  String jvmOptions = "";

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where results go (default: bench-results/<time>).")
  Path out;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "Longest a run may take (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds = 900;

  @Option(
      names = "--sample-interval",
      paramLabel = "MILLIS",
      description = "Profiler sampling interval in ms (default: ${DEFAULT-VALUE}).")
  long sampleMillis = 100;

  @Mixin ServerOptions server;
  @Mixin S3Options s3;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (runs < 1 || warmup < 0) {
      throw UsageError.of(spec, "--runs must be at least 1 and --warmup at least 0");
    }
    Map<String, List<String>> sweep = sweeps();
    if (out == null) {
      out =
          Path.of(
              "bench-results",
              DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                  .withZone(ZoneOffset.UTC)
                  .format(Instant.now()));
    }
    Files.createDirectories(out);
    PrintStream log = System.out;
    Map<String, String> context = new LinkedHashMap<>();
    context.put(
        "command",
        "retriever " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
    context.put("date", Instant.now().toString());
    context.put(
        "machine",
        Runtime.getRuntime().availableProcessors()
            + " cores, "
            + Sizes.format(
                ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                    .getTotalMemorySize())
            + " memory, "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.arch")
            + ", Java "
            + System.getProperty("java.version"));
    List<RunResult> results;
    if (source != null) {
      S3Uri uri = UsageError.source(spec, source);
      context.put("target", uri.toString());
      Target target =
          new Target(
              s3.endpoint,
              s3.region == null ? "us-east-1" : s3.region,
              uri.bucket(),
              uri.key(),
              System.getenv("AWS_ACCESS_KEY_ID"),
              System.getenv("AWS_SECRET_ACCESS_KEY"),
              s3.anonymous,
              null);
      results = runner(target, sweep, log).run();
    } else {
      results = generated(context, sweep, log);
    }
    BenchReport report = new BenchReport(out, results, context);
    Path page = report.write();
    FileTrees.delete(out.resolve("tmp"));
    report.printMedians(log);
    log.println("Report: " + page.toAbsolutePath());
    log.println("Summary: " + out.resolve("summary.json").toAbsolutePath());
    return results.stream().allMatch(RunResult::ok) ? ExitCode.OK : ExitCode.FAILURE;
  }

  private List<RunResult> generated(
      Map<String, String> context, Map<String, List<String>> sweep, PrintStream log)
      throws Exception {
    String checksum = server.checksum();
    long total = Dataset.totalBytes(objects);
    boolean inMemory = total <= MEMORY_STORAGE_LIMIT;
    Path storage = inMemory ? null : Files.createTempDirectory("retriever-bench-store");
    context.put("scenario", String.join(",", objects) + " (" + Sizes.format(total) + ")");
    context.put(
        "server",
        "LocalS3 (S3Proxy "
            + (inMemory ? "in-memory" : "directory")
            + " storage) in the bench process: "
            + server.describe());
    try (LocalS3 local = server.apply(LocalS3.builder().directory(storage)).start()) {
      log.printf(
          Locale.ROOT, "Generating %s into %s ...%n", String.join(",", objects), local.endpoint());
      List<TestObject> expected =
          Dataset.generate(local, BUCKET, "data/", objects, checksum, server.partSize());
      Target target =
          new Target(
              local.endpoint(),
              local.region(),
              BUCKET,
              "data/",
              local.accessKey(),
              local.secretKey(),
              false,
              expected);
      return runner(target, sweep, log).run();
    } finally {
      if (storage != null) {
        FileTrees.delete(storage);
      }
    }
  }

  /** Returns the --sweep settings by name, checked before any data is generated. */
  private Map<String, List<String>> sweeps() {
    Map<String, List<String>> sweep = new LinkedHashMap<>();
    for (String s : sweeps) {
      int eq = s.indexOf('=');
      String key = eq < 0 ? s : s.substring(0, eq);
      if (eq < 0 || !SWEEPS.contains(key)) {
        throw UsageError.of(
            spec,
            "'"
                + s
                + "' is not a sweep: give one of "
                + String.join(", ", SWEEPS)
                + " with comma-separated values, e.g. concurrency=16,32,64");
      }
      sweep.put(key, List.of(s.substring(eq + 1).split(",")));
    }
    if (sweep.containsKey("downloads") && impls.contains("retriever")) {
      throw UsageError.of(
          spec,
          "the downloads sweep needs the library (--impl retriever-lib): the retriever command"
              + " downloads once per process");
    }
    return sweep;
  }

  private BenchmarkRunner runner(Target target, Map<String, List<String>> sweep, PrintStream log) {
    List<String> given =
        jvmOptions.isBlank() ? List.of() : Arrays.asList(jvmOptions.trim().split("\\s+"));
    // Retriever's processes start as the launcher starts the command: with its class-data archive,
    // recorded from this jar, which they run too.
    List<String> withArchive = new ArrayList<>(given);
    if (Launcher.archive() != null) {
      withArchive.add(0, "-XX:SharedArchiveFile=" + Launcher.archive());
    }
    List<Implementation> implementations = new ArrayList<>();
    boolean endpoint = target.endpoint() != null;
    for (String impl : impls) {
      List<String> jvm = impl.startsWith("retriever") ? withArchive : given;
      try {
        if (impl.startsWith("retriever") && !sweep.isEmpty()) {
          for (Map<String, String> settings : Implementations.product(sweep)) {
            implementations.add(
                Implementations.builtIn(impl, settings, jvm, endpoint, target.anonymous()));
          }
        } else {
          implementations.add(
              Implementations.builtIn(impl, Map.of(), jvm, endpoint, target.anonymous()));
        }
      } catch (IllegalArgumentException e) {
        throw UsageError.of(spec, e.getMessage());
      }
    }
    for (String peer : peers) {
      try {
        implementations.add(Implementations.external(peer));
      } catch (IllegalArgumentException e) {
        throw UsageError.of(spec, e.getMessage());
      }
    }
    return new BenchmarkRunner(
        target,
        implementations,
        runs,
        warmup,
        out,
        log,
        Duration.ofMillis(sampleMillis),
        Duration.ofSeconds(timeoutSeconds));
  }
}
