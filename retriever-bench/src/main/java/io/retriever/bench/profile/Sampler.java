package io.retriever.bench.profile;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Samples a process, the system and (optionally) a download's pipeline every interval and writes
 * one JSON object per line: {@code ts} (ISO-8601 UTC), {@code t_s} (seconds since the start), then
 * every field of {@link SystemProbe} and {@link PipelineProbe}. Closing it takes a last sample,
 * writes the summary (mean, median, p90, max, first of every numeric field) to {@code
 * FILE.summary.json} and stops its thread.
 *
 * <p>Concurrency: its own thread samples; {@link #close} may be called from any thread, once.
 */
public final class Sampler implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SystemProbe system;
  private final PipelineProbe pipeline;
  private final Duration interval;
  private final Path file;
  private final BufferedWriter out;
  private final List<Map<String, Object>> samples = new ArrayList<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;
  private final long startNanos = System.nanoTime();

  /**
   * Starts sampling into {@code file}.
   *
   * @param pipeline the download's gauges, or null
   */
  public Sampler(SystemProbe system, PipelineProbe pipeline, Duration interval, Path file)
      throws IOException {
    this.system = system;
    this.pipeline = pipeline;
    this.interval = interval;
    this.file = file;
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    this.out = Files.newBufferedWriter(file);
    this.thread = new Thread(this::loop, "profiler-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try {
      while (!stop.await(interval.toNanos(), TimeUnit.NANOSECONDS)) {
        record();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void record() {
    Map<String, Object> sample = new LinkedHashMap<>();
    sample.put("ts", Instant.now().toString());
    sample.put("t_s", SystemProbe.round((System.nanoTime() - startNanos) / 1e9));
    sample.putAll(system.sample());
    if (pipeline != null) {
      sample.putAll(pipeline.sample());
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

  /** Takes a last sample, writes the summary and stops. */
  @Override
  public void close() throws IOException {
    stop.countDown();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      record();
      out.close();
      Files.writeString(
          summaryFile(file),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Summary.of(samples)));
    }
  }

  /** Returns where the summary of {@code file} goes. */
  public static Path summaryFile(Path file) {
    return file.resolveSibling(file.getFileName() + ".summary.json");
  }
}
