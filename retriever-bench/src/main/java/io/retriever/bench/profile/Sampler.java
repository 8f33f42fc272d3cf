package io.retriever.bench.profile;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Samples a process, the system and (optionally) a download's pipeline every interval and writes
 * one JSON object per line: {@code ts} (ISO-8601 UTC), {@code t_s} (seconds since the start),
 * {@code interval_ms} (the time since the sample before, which a busy machine stretches beyond the
 * interval asked for), then every field of {@link SystemProbe} and {@link PipelineProbe}. Closing
 * it takes a last sample, writes the summary (mean, median, p90, max, first of every numeric field)
 * to {@code FILE.summary.json}, says on the warnings stream when the interval was not kept, and
 * stops its thread.
 *
 * <p>Concurrency: its own thread samples; {@link #close} may be called from any thread, once.
 */
public final class Sampler implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Supplier<Map<String, Object>>> probes;
  private final Duration interval;
  private final Path file;
  private final PrintStream warnings;
  private final BufferedWriter out;
  private final List<Map<String, Object>> samples = new ArrayList<>();

  /** Milliseconds between samples taken on schedule (the last, taken on close, is not). */
  private final List<Double> intervals = new ArrayList<>();

  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;
  private final long startNanos = System.nanoTime();
  private long lastNanos = startNanos;

  /**
   * Starts sampling into {@code file}, without warnings.
   *
   * @param system the process and system, or null for the pipeline alone
   * @param pipeline the download's gauges, or null
   */
  public Sampler(SystemProbe system, PipelineProbe pipeline, Duration interval, Path file)
      throws IOException {
    this(system, pipeline, interval, file, null);
  }

  /**
   * Starts sampling into {@code file}.
   *
   * @param system the process and system, or null for the pipeline alone
   * @param pipeline the download's gauges, or null
   * @param warnings where to say that the interval could not be kept, or null
   */
  public Sampler(
      SystemProbe system,
      PipelineProbe pipeline,
      Duration interval,
      Path file,
      PrintStream warnings)
      throws IOException {
    this(probes(system, pipeline), interval, file, warnings);
  }

  Sampler(
      List<Supplier<Map<String, Object>>> probes,
      Duration interval,
      Path file,
      PrintStream warnings)
      throws IOException {
    this.probes = List.copyOf(probes);
    this.interval = interval;
    this.file = file;
    this.warnings = warnings;
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    this.out = Files.newBufferedWriter(file);
    this.thread = new Thread(this::loop, "profiler-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private static List<Supplier<Map<String, Object>>> probes(
      SystemProbe system, PipelineProbe pipeline) {
    List<Supplier<Map<String, Object>>> probes = new ArrayList<>();
    if (system != null) {
      probes.add(system::sample);
    }
    if (pipeline != null) {
      probes.add(pipeline::sample);
    }
    return probes;
  }

  private void loop() {
    long step = interval.toNanos();
    long next = startNanos + step;
    try {
      // On schedule: a slow sample shortens the wait for the next rather than delaying them all.
      while (!stop.await(Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        record(true);
        next = Math.max(next + step, System.nanoTime());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void record(boolean scheduled) {
    long now = System.nanoTime();
    double sinceLast = (now - lastNanos) / 1e6;
    lastNanos = now;
    if (scheduled) {
      intervals.add(sinceLast);
    }
    Map<String, Object> sample = new LinkedHashMap<>();
    sample.put("ts", Instant.now().toString());
    sample.put("t_s", SystemProbe.round((now - startNanos) / 1e9));
    sample.put("interval_ms", SystemProbe.round(sinceLast));
    for (Supplier<Map<String, Object>> probe : probes) {
      sample.putAll(probe.get());
    }
    samples.add(sample);
    try {
      out.write(JSON.writeValueAsString(sample));
      out.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the samples taken so far. */
  public synchronized List<Map<String, Object>> samples() {
    return List.copyOf(samples);
  }

  /**
   * Returns a line saying that the sampler did not keep its interval (the median time between
   * samples above 1.5 times the interval, or the 90th percentile above twice it), or null when it
   * kept it.
   */
  public synchronized String intervalWarning() {
    return intervalWarning(intervals, interval);
  }

  static String intervalWarning(List<Double> actualMillis, Duration interval) {
    if (actualMillis.size() < 3) {
      return null;
    }
    List<Double> sorted = new ArrayList<>(actualMillis);
    sorted.sort(Double::compare);
    double median = Summary.percentile(sorted, 50);
    double p90 = Summary.percentile(sorted, 90);
    double asked = interval.toNanos() / 1e6;
    if (median <= 1.5 * asked && p90 <= 2 * asked) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "profiler: asked to sample every %.0f ms, sampled every %.0f ms (median), %.0f ms (p90):"
            + " the machine was too busy; interval_ms in each sample says when it was taken",
        asked,
        median,
        p90);
  }

  /** Takes a last sample, writes the summary, warns of a stretched interval and stops. */
  @Override
  public void close() throws IOException {
    stop.countDown();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String warning;
    synchronized (this) {
      record(false);
      out.close();
      Files.writeString(
          summaryFile(file),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Summary.of(samples)));
      warning = intervalWarning();
    }
    if (warning != null && warnings != null) {
      warnings.println(warning);
    }
  }

  /** Returns where the summary of {@code file} goes. */
  public static Path summaryFile(Path file) {
    return file.resolveSibling(file.getFileName() + ".summary.json");
  }
}
