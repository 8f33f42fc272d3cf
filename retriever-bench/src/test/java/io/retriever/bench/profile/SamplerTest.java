package io.retriever.bench.profile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profiler's account of its own interval. */
class SamplerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void intervalWarning_intervalsKept_saysNothing() {
    assertThat(Sampler.intervalWarning(List.of(100.0, 101.0, 99.0, 140.0), ms(100))).isNull();
    assertThat(Sampler.intervalWarning(List.of(900.0, 900.0), ms(100)))
        .as("too few samples to tell")
        .isNull();
  }

  @Test
  void intervalWarning_intervalsStretched_givesMedianAndP90() {
    List<Double> actual = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      actual.add(200.0 + 160 * i);
    }
    assertThat(Sampler.intervalWarning(actual, ms(100)))
        .startsWith("profiler: asked to sample every 100 ms, sampled every 920 ms (median),")
        .contains("1496 ms (p90)")
        .contains("interval_ms");
    // A few long gaps alone stretch the 90th percentile.
    List<Double> spikes = new ArrayList<>(List.of(100.0, 100.0, 100.0, 100.0, 100.0, 100.0));
    spikes.addAll(List.of(100.0, 100.0, 900.0, 900.0));
    assertThat(Sampler.intervalWarning(spikes, ms(100))).contains("(p90)");
  }

  @Test
  void close_probeSlowerThanTheInterval_warnsAndRecordsEachInterval(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("profile.jsonl");
    CountDownLatch enough = new CountDownLatch(4);
    // Every sample takes at least 60 ms, six times the 10 ms asked for.
    Supplier<Map<String, Object>> slow =
        () -> {
          try {
            Thread.sleep(60);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          enough.countDown();
          return Map.of("gauge", 1);
        };
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    Sampler sampler =
        new Sampler(
            List.of(slow), ms(10), file, new PrintStream(warnings, true, StandardCharsets.UTF_8));
    assertThat(enough.await(60, TimeUnit.SECONDS)).isTrue();
    sampler.close();

    assertThat(sampler.intervalWarning()).startsWith("profiler: asked to sample every 10 ms");
    assertThat(warnings.toString(StandardCharsets.UTF_8).strip())
        .hasLineCount(1)
        .isEqualTo(sampler.intervalWarning());
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSizeGreaterThanOrEqualTo(4);
    for (String line : lines.subList(1, lines.size() - 1)) {
      JsonNode sample = JSON.readTree(line);
      assertThat(sample.path("interval_ms").asDouble()).isGreaterThanOrEqualTo(60);
      assertThat(sample.path("gauge").asInt()).isEqualTo(1);
    }
    JsonNode summary = JSON.readTree(Sampler.summaryFile(file).toFile());
    assertThat(summary.at("/interval_ms/median").asDouble()).isGreaterThanOrEqualTo(60);
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
