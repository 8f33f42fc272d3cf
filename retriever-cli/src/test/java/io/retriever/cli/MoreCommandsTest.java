package io.retriever.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.ProgressSnapshot;
import io.retriever.options.Sizes;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The demo, the progress bar, sizes, and the endpoint from the environment. */
@ExtendWith(LocalS3Extension.class)
class MoreCommandsTest {
  @Test
  void version_saysTheVersionTheJvmAndTheStartUpArchive() throws Exception {
    Cli.Result r = Cli.run(Map.of(), "--version");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.out().strip().lines())
        .hasSize(3)
        .satisfies(lines -> assertThat(lines.get(0)).startsWith("retriever "))
        .satisfies(
            lines ->
                assertThat(lines.get(1))
                    .isEqualTo(
                        "JVM: "
                            + System.getProperty("java.vm.name")
                            + " "
                            + System.getProperty("java.vm.version")
                            + " ("
                            + System.getProperty("java.home")
                            + ")"))
        .satisfies(lines -> assertThat(lines.get(2)).startsWith("start-up archive: none"));
  }

  @Test
  void demo_smallData_verifiesAndReports() throws Exception {
    Cli.Result r =
        Cli.run(
            Map.of(),
            "demo",
            "--objects",
            "2x1MiB,30x10KiB,1x0,1x1",
            "--latency",
            "5",
            "--compare",
            "--json");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("objects").asLong()).isEqualTo(34);
    assertThat(json.get("bytes").asLong()).isEqualTo(2 * 1048576 + 30 * 10240 + 1);
    assertThat(json.get("ratio_to_plain_getobject").asDouble()).isPositive();
  }

  @Test
  void bench_downloadsSweepOnTheCommand_saysToUseTheLibrary(@TempDir Path dir) throws Exception {
    Cli.Result r =
        Cli.run(
            Map.of(),
            "bench",
            "--objects",
            "1x1KiB",
            "--impl",
            "retriever",
            "--sweep",
            "downloads=1,3",
            "--out",
            dir.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr().strip())
        .hasLineCount(1)
        .contains("downloads sweep needs the library (--impl retriever-lib)");
  }

  @Test
  void demo_human_printsSummaryAndVerification() throws Exception {
    Cli.Result r = Cli.run(Map.of(), "demo", "--objects", "3x100KiB", "--latency", "0");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.out())
        .contains("Embedded S3 server at http://127.0.0.1:")
        .contains("Downloaded 3 objects")
        .contains("Verified 3 objects byte for byte");
  }

  @Test
  void demo_fastStore_hasNoLatencyAndNoCap() throws Exception {
    Cli.Result r = Cli.run(Map.of(), "demo", "--objects", "3x100KiB", "--store", "fast");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.out())
        .contains("fast store: 0 ms first-byte latency, no speed cap")
        .contains("Verified 3 objects byte for byte");
  }

  @Test
  void demo_unknownStore_saysWhichExist() throws Exception {
    Cli.Result r = Cli.run(Map.of(), "demo", "--store", "glacial");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("unknown store 'glacial'; give s3-like, fast or slow");
  }

  @Test
  void get_endpointFromEnvironment_isHonoured(LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("env");
    TestObject o = s3.putRandom("env", "x.bin", 12345);
    Cli.Result r =
        Cli.run(
            Map.of(
                "AWS_ENDPOINT_URL",
                s3.endpoint().toString(),
                "AWS_REGION",
                s3.region(),
                "AWS_ACCESS_KEY_ID",
                s3.accessKey(),
                "AWS_SECRET_ACCESS_KEY",
                s3.secretKey()),
            "get",
            "s3://env/x.bin",
            dir.resolve("x.bin").toString(),
            "--path-style",
            "-q");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(TestData.sha256(dir.resolve("x.bin"))).isEqualTo(o.sha256());
  }

  @Test
  void get_progressForced_drawsBar(LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("bar");
    s3.putRandom("bar", "x.bin", 3 << 20);
    Cli.Result r = Cli.run(s3, Cli.at(s3, "get", "s3://bar/x.bin", dir.toString(), "--progress"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).contains("[########################] 100%  3.0 MiB / 3.0 MiB");
  }

  @Test
  void render_midway_showsBytesRateEtaAndObjects() {
    ProgressSnapshot s =
        new ProgressSnapshot(
            10,
            100L << 20,
            true,
            4,
            25L << 20,
            0,
            Duration.ofSeconds(1),
            0,
            0,
            0,
            Map.of(),
            64,
            0,
            0,
            0);
    assertThat(ProgressBar.render(s, 25L << 20))
        .isEqualTo(
            "[######------------------]  25%  25.0 MiB / 100.0 MiB  25.0 MiB/s  ETA 0:03"
                + "  objects 4/10");
    ProgressSnapshot listing =
        new ProgressSnapshot(
            10,
            100L << 20,
            false,
            4,
            25L << 20,
            0,
            Duration.ofSeconds(1),
            0,
            0,
            0,
            Map.of(),
            64,
            0,
            0,
            0);
    assertThat(ProgressBar.render(listing, 0)).endsWith("objects 4/10+");
    ProgressSnapshot starting =
        new ProgressSnapshot(0, 0, false, 0, 0, 0, Duration.ZERO, 0, 0, 0, Map.of(), 64, 0, 0, 0);
    assertThat(ProgressBar.render(starting, 0))
        .endsWith("]  listing...")
        .doesNotContain("0 B / 0 B+", "0/0+");
  }

  @Test
  void sizes_parseAndFormat() {
    assertThat(Sizes.parse("8MiB")).isEqualTo(8L << 20);
    assertThat(Sizes.parse("8M")).isEqualTo(8L << 20);
    assertThat(Sizes.parse("8MB")).isEqualTo(8_000_000L);
    assertThat(Sizes.parse("512k")).isEqualTo(512L << 10);
    assertThat(Sizes.parse("1.5GiB")).isEqualTo(3L << 29);
    assertThat(Sizes.parse("4096")).isEqualTo(4096);
    assertThat(Sizes.format(1536)).isEqualTo("1.5 KiB");
    assertThat(Sizes.format(5)).isEqualTo("5 B");
  }
}
