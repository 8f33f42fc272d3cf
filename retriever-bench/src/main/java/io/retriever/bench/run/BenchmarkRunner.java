package io.retriever.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.DownloadSummary;
import io.retriever.bench.FileTrees;
import io.retriever.bench.profile.Sampler;
import io.retriever.bench.profile.SystemProbe;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs implementations side by side against one target: a warm-up of each, then repetitions in
 * alternation (A B C A B C ...), each run in a process of its own, sampled by the profiler, timed
 * with GNU time where it is installed (wall, CPU and peak RSS of the whole process tree), and
 * verified byte for byte afterwards. A run with wrong or missing bytes is a failed run.
 *
 * <p>Concurrency: runs one process at a time, on the calling thread.
 */
public final class BenchmarkRunner {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path GNU_TIME = Path.of("/usr/bin/time");

  private final Target target;
  private final List<Implementation> implementations;
  private final int runs;
  private final int warmups;
  private final Path out;
  private final PrintStream log;
  private final Duration sampleInterval;
  private final Duration timeout;

  /** What the profiler of the last run said of its interval, or null if it kept it. */
  private String samplingWarning;

  /** For targets without known content: each file's SHA-256 from the first good run. */
  private Map<String, String> reference;

  public BenchmarkRunner(
      Target target,
      List<Implementation> implementations,
      int runs,
      int warmups,
      Path out,
      PrintStream log,
      Duration sampleInterval,
      Duration timeout) {
    this.target = target;
    this.implementations = List.copyOf(implementations);
    this.runs = runs;
    this.warmups = warmups;
    this.out = out;
    this.log = log;
    this.sampleInterval = sampleInterval;
    this.timeout = timeout;
  }

  /**
   * Runs of more files than this keep them until the last run is over. On a file system that checks
   * recently deleted inodes before it reuses one (ext4 without a journal, as on this project's
   * machines), creating thousands of files within half a minute of deleting thousands costs every
   * run a scan per file; deleting a run's files only after the last run keeps that cost out of
   * every implementation's figures alike.
   */
  static final int KEEP_FILES_ABOVE = 100;

  /** The downloaded trees kept until the last run is over. */
  private final List<Path> kept = new ArrayList<>();

  /** Runs every implementation {@code warmups + runs} times and returns the measured runs. */
  public List<RunResult> run() throws IOException, InterruptedException {
    try {
      return runAll();
    } finally {
      for (Path dest : kept) {
        FileTrees.delete(dest);
      }
      kept.clear();
    }
  }

  private List<RunResult> runAll() throws IOException, InterruptedException {
    Files.createDirectories(out.resolve("profiles"));
    log.println(HEADER);
    for (int w = 1; w <= warmups; w++) {
      for (Implementation impl : implementations) {
        RunResult r = runOnce(impl, -w);
        row("warm-up " + w, impl, r);
      }
    }
    List<RunResult> results = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      for (Implementation impl : implementations) {
        RunResult r = runOnce(impl, run);
        results.add(r);
        row("run " + run, impl, r);
      }
    }
    return results;
  }

  /** The columns of the rows {@link #run} prints, one per run. */
  public static final String HEADER =
      String.format(
          Locale.ROOT,
          "%-10s %-28s %9s %9s %7s %7s %9s %8s",
          "run",
          "implementation",
          "MiB/s",
          "objects/s",
          "wall s",
          "CPU s",
          "CPU s/GiB",
          "RSS MiB");

  private void row(String run, Implementation impl, RunResult r) {
    log.printf(Locale.ROOT, "%-10s %-28s %s%n", run, impl.name(), describe(r));
    if (!r.unverifiedNote().isEmpty()) {
      log.printf(Locale.ROOT, "%-10s %-28s %s%n", "", "", r.unverifiedNote());
    }
    if (samplingWarning != null) {
      log.printf(Locale.ROOT, "%-10s %-28s %s%n", "", "", samplingWarning);
    }
  }

  private static String describe(RunResult r) {
    if (!r.ok()) {
      return "FAILED: " + r.error();
    }
    return String.format(
        Locale.ROOT,
        "%9.1f %9.1f %7.2f %7.2f %9.2f %8.0f",
        r.mibPerSecond(),
        r.objectsPerSecond(),
        r.wallSeconds(),
        r.cpuSeconds(),
        r.cpuSecondsPerGib(),
        r.peakRssMib());
  }

  private RunResult runOnce(Implementation impl, int run) throws IOException, InterruptedException {
    String label = safe(impl.name()) + (run < 0 ? "-warmup" + (-run) : "-run" + run);
    Path dest = out.resolve("tmp").resolve(label);
    FileTrees.delete(dest);
    Files.createDirectories(dest);
    Path timeFile = out.resolve("tmp").resolve(label + ".time");
    Path profile = out.resolve("profiles").resolve(label + ".jsonl");
    Path pipeline = pipelineProfile(profile);

    List<String> command = new ArrayList<>();
    boolean timed = Files.isExecutable(GNU_TIME);
    if (timed) {
      command.addAll(List.of(GNU_TIME.toString(), "-f", "%e %U %S %M", "-o", timeFile.toString()));
    }
    List<String> filled = impl.command().stream().map(part -> fill(part, dest, pipeline)).toList();
    if (impl.shell()) {
      command.addAll(List.of("sh", "-c", String.join(" ", filled)));
    } else {
      command.addAll(filled);
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    environment(builder.environment());
    builder.redirectErrorStream(false);

    long started = System.nanoTime();
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<String> stdout = drain(process.getInputStream());
    CompletableFuture<String> stderr = drain(process.getErrorStream());
    long pid = timed ? childOf(process) : process.pid();
    double peakRss = 0;
    double sampledCpu = 0;
    boolean finished;
    Sampler sampler = new Sampler(new SystemProbe(pid), null, sampleInterval, profile);
    try (sampler) {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      for (Map<String, Object> s : sampler.samples()) {
        peakRss = Math.max(peakRss, number(s.get("rss_mib")));
        sampledCpu = Math.max(sampledCpu, number(s.get("cpu_process_s")));
      }
    }
    samplingWarning = sampler.intervalWarning();
    double wall = (System.nanoTime() - started) / 1e9;
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      return failed(impl, run, "did not finish within " + timeout.toSeconds() + " s", profile);
    }
    double cpu = sampledCpu;
    double systemCpu = -1;
    if (timed && Files.exists(timeFile)) {
      String[] t = lastLine(Files.readString(timeFile)).split(" ");
      if (t.length == 4) {
        wall = Double.parseDouble(t[0]);
        systemCpu = Double.parseDouble(t[2]);
        cpu = Double.parseDouble(t[1]) + systemCpu;
        peakRss = Math.max(peakRss, Long.parseLong(t[3]) / 1024.0);
      }
    }
    if (process.exitValue() != 0) {
      Files.writeString(out.resolve("profiles").resolve(label + ".stderr"), stderr.join());
      return failed(
          impl,
          run,
          "exit "
              + process.exitValue()
              + ": "
              + cause(stderr.join())
              + " (all of it in profiles/"
              + label
              + ".stderr)",
          profile);
    }
    long requests = -1;
    long retries = -1;
    long unverified = -1;
    String unverifiedNote = "";
    JsonNode report = parseLastJson(stdout.join());
    if (report != null) {
      requests = report.path("requests").asLong(-1);
      retries = report.path("retries").asLong(-1);
      unverified = report.path("objects_unverified").asLong(-1);
      unverifiedNote = unverifiedNote(report, unverified);
    }
    long[] verified;
    try {
      verified = verify(dest);
    } catch (IllegalStateException e) {
      FileTrees.delete(dest);
      return failed(impl, run, e.getMessage(), profile);
    }
    if (verified[0] > KEEP_FILES_ABOVE) {
      kept.add(dest);
    } else {
      FileTrees.delete(dest);
    }
    // A process that downloaded the data several times delivered it that many times.
    long downloads = Long.parseLong(impl.settings().getOrDefault("downloads", "1"));
    return new RunResult(
        impl.name(),
        run,
        true,
        null,
        verified[0] * downloads,
        verified[1] * downloads,
        wall,
        cpu,
        systemCpu,
        peakRss,
        requests,
        retries,
        out.relativize(profile).toString(),
        impl.settings(),
        unverified,
        unverifiedNote);
  }

  /**
   * Names the objects a Retriever run delivered unverified as {@code retriever get} does, from its
   * JSON summary; empty when there are none.
   */
  private static String unverifiedNote(JsonNode report, long unverified) {
    if (unverified <= 0) {
      return "";
    }
    List<String> named = new ArrayList<>();
    report.path("unverified").forEach(n -> named.add(n.asText()));
    Map<String, String> reasons = new LinkedHashMap<>();
    report
        .path("unverified_reasons")
        .fields()
        .forEachRemaining(e -> reasons.put(e.getKey(), e.getValue().asText()));
    return DownloadSummary.describeUnverified(unverified, named, reasons, 3);
  }

  private RunResult failed(Implementation impl, int run, String error, Path profile) {
    return new RunResult(
        impl.name(),
        run,
        false,
        error,
        0,
        0,
        0,
        0,
        -1,
        0,
        -1,
        -1,
        out.relativize(profile).toString(),
        impl.settings());
  }

  private String fill(String part, Path dest, Path pipeline) {
    return part.replace("{pipeline}", pipeline.toString())
        .replace("{interval_ms}", Long.toString(sampleInterval.toMillis()))
        .replace("{endpoint}", target.endpoint() == null ? "" : target.endpoint().toString())
        .replace("{region}", target.region())
        .replace("{bucket}", target.bucket())
        .replace("{prefix}", target.prefix())
        .replace("{uri}", target.uri())
        .replace("{dest}", dest.toString());
  }

  private void environment(Map<String, String> env) {
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_REGION", target.region());
    if (target.accessKey() != null) {
      env.put("AWS_ACCESS_KEY_ID", target.accessKey());
      env.put("AWS_SECRET_ACCESS_KEY", target.secretKey());
    }
  }

  /** Returns the pid of the process GNU time started, waiting briefly for it to appear. */
  private static long childOf(Process time) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      var child = time.toHandle().children().findFirst();
      if (child.isPresent()) {
        return child.get().pid();
      }
      if (!time.isAlive()) {
        break;
      }
      Thread.sleep(5);
    }
    return time.pid();
  }

  /** Checks every file's bytes; returns objects and bytes verified. */
  private long[] verify(Path dest) throws IOException {
    if (target.expected() != null) {
      long bytes = 0;
      for (TestObject o : target.expected()) {
        Path file = dest.resolve(o.key().substring(target.prefix().length()));
        if (!Files.isRegularFile(file)) {
          throw new IllegalStateException("missing " + file.getFileName() + " of " + o.key());
        }
        if (Files.size(file) != o.size() || !TestData.sha256(file).equals(o.sha256())) {
          throw new IllegalStateException("wrong bytes in the file of " + o.key());
        }
        bytes += o.size();
      }
      return new long[] {target.expected().size(), bytes};
    }
    Map<String, String> hashes = new HashMap<>();
    long bytes = 0;
    try (Stream<Path> files = Files.walk(dest)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        hashes.put(dest.relativize(file).toString(), TestData.sha256(file));
        bytes += Files.size(file);
      }
    }
    if (reference == null) {
      reference = hashes;
    } else if (!reference.equals(hashes)) {
      throw new IllegalStateException("files differ from those of the first run");
    }
    return new long[] {hashes.size(), bytes};
  }

  private static JsonNode parseLastJson(String stdout) {
    String line = lastLine(stdout);
    if (!line.startsWith("{")) {
      return null;
    }
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      return null;
    }
  }

  /** Returns the most telling line of an error output: the last that is not a stack frame. */
  private static String cause(String stderr) {
    List<String> lines =
        stderr
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("at ") && !l.startsWith("..."))
            .toList();
    return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines.length == 0 ? "" : lines[lines.length - 1].strip();
  }

  private static double number(Object value) {
    return value instanceof Number n ? n.doubleValue() : 0;
  }

  private static CompletableFuture<String> drain(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        });
  }

  /**
   * Returns where a Retriever run records its pipeline's gauges, beside the profile {@code
   * NAME.jsonl} the runner takes of its process: {@code NAME.pipeline.jsonl}.
   */
  public static Path pipelineProfile(Path profile) {
    String name = profile.getFileName().toString();
    return profile.resolveSibling(name.replaceFirst("\\.jsonl$", "") + ".pipeline.jsonl");
  }

  static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]+", "_");
  }
}
