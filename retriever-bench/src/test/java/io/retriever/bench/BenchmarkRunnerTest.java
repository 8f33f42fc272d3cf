package io.retriever.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.bench.profile.Sampler;
import io.retriever.bench.report.BenchReport;
import io.retriever.bench.run.BenchmarkRunner;
import io.retriever.bench.run.Dataset;
import io.retriever.bench.run.Implementation;
import io.retriever.bench.run.Implementations;
import io.retriever.bench.run.RunResult;
import io.retriever.bench.run.Target;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner end to end: child processes, verification, failure of wrong bytes, the report. */
class BenchmarkRunnerTest {
  @Test
  void run_twoPeersAndABrokenOne_measuresVerifiesAndReports(@TempDir Path out) throws Exception {
    List<RunResult> results;
    try (LocalS3 s3 = LocalS3.builder().firstByteLatency(Duration.ofMillis(2)).start()) {
      Target target = generate(s3, List.of("3x300KiB", "5x1KiB"));
      List<Implementation> impls = new ArrayList<>();
      impls.add(
          Implementations.builtIn("retriever", Map.of("concurrency", "4"), List.of(), true, false));
      impls.add(Implementations.builtIn("getobject", Map.of(), List.of(), true, false));
      // An external command that writes the wrong bytes: it must count as a failure.
      impls.add(
          Implementations.external(
              "liar=mkdir -p {dest}/1KiB && echo wrong > {dest}/1KiB/object-00000.bin"));
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      results =
          new BenchmarkRunner(
                  target,
                  impls,
                  2,
                  0,
                  out,
                  new PrintStream(log),
                  Duration.ofMillis(50),
                  Duration.ofSeconds(120))
              .run();
      assertThat(log.toString().lines().findFirst()).hasValue(BenchmarkRunner.HEADER);
      assertThat(BenchmarkRunner.HEADER)
          .contains("implementation", "MiB/s", "CPU s/GiB", "RSS MiB");
      assertThat(log.toString()).containsPattern("(?m)^run 2 +liar +FAILED: ");
    }
    assertThat(results).hasSize(6);
    for (RunResult r : results) {
      if (r.impl().equals("liar")) {
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).contains("object-0000");
      } else {
        assertThat(r.ok()).as(r.error()).isTrue();
        assertThat(r.objects()).isEqualTo(8);
        assertThat(r.bytes()).isEqualTo(3 * 300 * 1024 + 5 * 1024);
        assertThat(r.wallSeconds()).isPositive();
        assertThat(r.cpuSeconds()).isPositive();
        assertThat(r.peakRssMib()).isPositive();
        List<String> profile = Files.readAllLines(out.resolve(r.profile()));
        assertThat(profile).isNotEmpty();
        // The network figures are the machine's, and their names say so.
        assertThat(profile.get(0))
            .contains("\"net_machine_rx_gbps\"", "\"interval_ms\"")
            .doesNotContain("\"net_rx_gbps\"");
      }
    }
    assertThat(results.stream().filter(r -> r.impl().startsWith("retriever")))
        .allSatisfy(r -> assertThat(r.requests()).isEqualTo(8 + 3));
    // Retriever's runs record their pipeline's gauges beside the profile of their process.
    for (RunResult r : results) {
      Path pipeline = BenchmarkRunner.pipelineProfile(out.resolve(r.profile()));
      if (!r.impl().startsWith("retriever")) {
        assertThat(pipeline).doesNotExist();
        continue;
      }
      List<JsonNode> gauges = new ArrayList<>();
      for (String line : Files.readAllLines(pipeline)) {
        gauges.add(new ObjectMapper().readTree(line));
      }
      assertThat(gauges).isNotEmpty();
      JsonNode last = gauges.get(gauges.size() - 1);
      assertThat(last.path("bytes_done").asLong()).isEqualTo(3 * 300 * 1024 + 5 * 1024);
      assertThat(last.path("objects_done").asLong()).isEqualTo(8);
      assertThat(last.has("chunks_in_flight")).isTrue();
      assertThat(last.has("cpu_process_pct")).as("sampled from outside only").isFalse();
      assertThat(Sampler.summaryFile(pipeline)).isNotEmptyFile();
    }

    Path page = new BenchReport(out, results, Map.of("scenario", "test")).write();
    assertThat(Files.readString(page))
        .contains("<img alt=\"throughput\"")
        .contains("data:image/png;base64,")
        .doesNotContain("http://")
        .doesNotContain("https://");
    assertThat(Files.readAllLines(out.resolve("results.jsonl"))).hasSize(6);
    assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(7);
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertThat(summary.at("/medians/getobject/throughput_mibps").asDouble()).isPositive();
    // Counts are counts; a peer with no good run has no medians rather than zeros.
    assertThat(summary.at("/medians/getobject/runs").isIntegralNumber()).isTrue();
    assertThat(summary.at("/medians/getobject/good_runs").asLong()).isEqualTo(2);
    assertThat(summary.at("/medians/liar/good_runs").asLong()).isZero();
    assertThat(summary.at("/medians/liar/runs").asLong()).isEqualTo(2);
    assertThat(summary.at("/medians/liar").has("throughput_mibps")).isFalse();
    assertThat(Files.readString(page))
        .contains("<th>implementation</th><th>good runs</th><th>MiB/s</th>")
        .contains("<td>2/2</td>")
        .contains("<td>0/2</td><td>-</td>")
        .doesNotContain("ok_runs")
        .doesNotContain("<td>1.00</td><td>");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    new BenchReport(out, results, Map.of()).printMedians(new PrintStream(console, true, "UTF-8"));
    assertThat(console.toString("UTF-8").lines().toList())
        .hasSize(5)
        .satisfies(
            lines -> assertThat(lines.get(1)).startsWith("implementation").contains("good runs"))
        .anySatisfy(line -> assertThat(line).startsWith("getobject").contains(" 2/2 "))
        .anySatisfy(line -> assertThat(line).startsWith("liar").contains(" 0/2 ").endsWith("-"));
    assertThat(summary.at("/ratios_of_best_retriever_to/getobject/throughput_x").asDouble())
        .isPositive();
    for (String chart :
        List.of(
            "throughput",
            "cpu",
            "rss",
            "timeline-cpu",
            "timeline-rss",
            "timeline-net",
            "timeline-received",
            "timeline-in-flight")) {
      assertThat(out.resolve(chart + ".png")).isNotEmptyFile();
    }
  }

  @Test
  void run_libraryDownloadingThreeTimes_countsEveryDownloadAndVerifiesTheFiles(@TempDir Path out)
      throws Exception {
    List<RunResult> results;
    try (LocalS3 s3 = LocalS3.builder().firstByteLatency(Duration.ofMillis(2)).start()) {
      Target target = generate(s3, List.of("2x300KiB", "3x1KiB"));
      results =
          new BenchmarkRunner(
                  target,
                  List.of(
                      Implementations.builtIn(
                          "retriever-lib", Map.of("downloads", "3"), List.of(), true, false)),
                  1,
                  0,
                  out,
                  new PrintStream(new ByteArrayOutputStream()),
                  Duration.ofMillis(50),
                  Duration.ofSeconds(120))
              .run();
      assertThat(s3.getRequests()).isEqualTo(3 * 5);
    }
    assertThat(results)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.ok()).as(r.error()).isTrue();
              assertThat(r.impl()).isEqualTo("retriever-lib downloads=3");
              assertThat(r.objects()).isEqualTo(3 * 5);
              assertThat(r.bytes()).isEqualTo(3 * (2 * 300 * 1024 + 3 * 1024));
              // Each download: 5 GETs, and a listing of data/ that finds two folders, then one
              // listing of each.
              assertThat(r.requests()).isEqualTo(3 * (5 + 3));
            });
  }

  /** Generates the shapes under s3://bench/data/ and returns them as the target of a run. */
  private static Target generate(LocalS3 s3, List<String> shapes) throws Exception {
    List<TestObject> expected = Dataset.generate(s3, "bench", "data/", shapes);
    return new Target(
        s3.endpoint(),
        s3.region(),
        "bench",
        "data/",
        s3.accessKey(),
        s3.secretKey(),
        false,
        expected);
  }

  @Test
  void product_twoSweeps_givesEveryCombinationInOrder() {
    assertThat(Implementations.product(Map.of("concurrency", List.of("8", "16"))))
        .containsExactly(Map.of("concurrency", "8"), Map.of("concurrency", "16"));
    var sweeps = new java.util.LinkedHashMap<String, List<String>>();
    sweeps.put("concurrency", List.of("8", "16"));
    sweeps.put("chunk-size", List.of("4MiB", "8MiB"));
    assertThat(Implementations.product(sweeps))
        .hasSize(4)
        .first()
        .isEqualTo(Map.of("concurrency", "8", "chunk-size", "4MiB"));
  }
}
