package io.retriever.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code retriever bench} end to end, with the retriever command as the peer measured. */
class BenchCommandTest {
  @Test
  void bench_retrieverCommand_printsHeaderAndMediansAndRecordsPipelineGauges(@TempDir Path dir)
      throws Exception {
    Cli.Result r =
        Cli.run(
            Map.of(),
            "bench",
            "--objects",
            "3x100KiB",
            "--impl",
            "retriever",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--latency",
            "0",
            "--out",
            dir.toString());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    List<String> lines = r.out().lines().toList();
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("run ")).findFirst().get());
    assertThat(lines.get(header)).contains("implementation", "MiB/s", "CPU s/GiB", "RSS MiB");
    assertThat(lines.get(header + 1)).startsWith("run 1").contains("retriever");
    assertThat(r.out())
        .contains("Medians of the good runs:")
        .containsPattern("(?m)^implementation +good runs +MiB/s")
        .containsPattern("(?m)^retriever +1/1 ")
        .doesNotContain("ok_runs");

    // The command recorded its pipeline's gauges, and nothing the runner samples from outside.
    Path pipeline;
    try (Stream<Path> files = Files.list(dir.resolve("profiles"))) {
      pipeline =
          files
              .filter(f -> f.getFileName().toString().endsWith(".pipeline.jsonl"))
              .findFirst()
              .get();
    }
    List<String> samples = Files.readAllLines(pipeline);
    assertThat(samples).isNotEmpty();
    JsonNode last = new ObjectMapper().readTree(samples.get(samples.size() - 1));
    assertThat(last.path("bytes_done").asLong()).isEqualTo(3 * 100 * 1024);
    assertThat(last.path("objects_done").asLong()).isEqualTo(3);
    assertThat(last.has("cpu_process_pct")).isFalse();
  }

  @Test
  void bench_objectsWithS3sDefaultChecksum_everyByteVerified(@TempDir Path dir) throws Exception {
    Cli.Result r =
        Cli.run(
            Map.of(),
            "bench",
            "--objects",
            "3x100KiB,1x20MiB",
            "--checksum",
            "crc64nvme",
            "--store",
            "fast",
            "--impl",
            "retriever",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--out",
            dir.toString());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.out()).containsPattern("(?m)^retriever +1/1 ");
    assertThat(Files.readString(dir.resolve("summary.json")))
        .contains("objects with CRC64NVME checksums");
  }

  @Test
  void bench_unknownChecksum_oneLineNamingTheChoices(@TempDir Path dir) throws Exception {
    Cli.Result r =
        Cli.run(
            Map.of(), "bench", "--objects", "1x1KiB", "--checksum", "md4", "--out", dir.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr().strip())
        .doesNotContain("\n")
        .contains("unknown checksum 'md4'", "CRC64NVME", "SHA1");
  }
}
