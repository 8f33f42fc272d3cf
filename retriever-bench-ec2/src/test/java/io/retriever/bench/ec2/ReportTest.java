package io.retriever.bench.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.bench.ec2.internal.ReportMerger;
import io.retriever.bench.run.RunResult;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Merging each instance's rows into medians, and the report's table. */
class ReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final InstancePlan M5N =
      new InstancePlan(
          "m5n.2xlarge",
          "x86_64",
          "ami-1",
          List.of("subnet-1"),
          List.of("us-east-1a"),
          8,
          32768,
          "Up to 25 Gigabit",
          8.125,
          25,
          Storage.ebs(1L << 30, 8.125, 593.75),
          OptionalDouble.of(0.476),
          "table",
          "retriever-bench-r1-1");

  private static String line(String impl, int run, boolean ok, double wall, Map<String, String> s)
      throws Exception {
    return JSON.writeValueAsString(
            new RunResult(impl, run, ok, null, 1, 1L << 30, wall, wall, 0, 100 * run, 1, 0, null, s)
                .fields())
        + "\n";
  }

  @Test
  void rows_areMediansOfGoodRuns_perImplementationAndSetting_retrieverFirstInOrderRun()
      throws Exception {
    String jsonl =
        line("tm-crt", 1, true, 4, Map.of())
            + line("retriever", 1, true, 1, Map.of("concurrency", "64"))
            + line("retriever", 2, true, 3, Map.of("concurrency", "64"))
            + line("retriever", 3, true, 2, Map.of("concurrency", "64"))
            + line("retriever", 4, false, 0.001, Map.of("concurrency", "64"))
            + line("retriever", 1, true, 8, Map.of("concurrency", "16"));
    List<ReportRow> rows = ReportMerger.rows(M5N, jsonl);
    assertThat(rows)
        .extracting(r -> r.impl() + " " + r.settings())
        .containsExactly("retriever {concurrency=64}", "retriever {concurrency=16}", "tm-crt {}");
    ReportRow best = rows.get(0);
    assertThat(best.runs()).isEqualTo(3);
    assertThat(best.gbps())
        .isCloseTo((1L << 30) * 8 / 2.0 / 1e9, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(best.fractionOfNic())
        .isCloseTo(best.gbps() / 25, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(best.peakRssMib()).isEqualTo(200);

    Plan plan =
        Plan.builder()
            .runId("r1")
            .region("us-east-1")
            .endpoint(URI.create("http://127.0.0.1:1"))
            .vpcId("vpc-1")
            .instances(List.of(M5N))
            .source("s3://src/p/", false, 1L << 30, 1, List.of())
            .results("s3://res/x/r1/")
            .jar("s3://res/x/r1/retriever.jar")
            .createsInstanceProfile(true)
            .timeLimit(Duration.ofMinutes(60), "given")
            .expires(Instant.parse("2026-01-01T00:00:00Z"))
            .benchArguments(List.of("--source", "s3://src/p/"))
            .build();
    String markdown =
        new Ec2Report(
                "r1",
                plan,
                rows,
                Map.of("c6in.2xlarge", "the instance is terminated"),
                Map.of(
                    "c6in.2xlarge",
                    List.of(
                        "(last lines of s3://res/x/r1/c6in.2xlarge/instance.log)",
                        "failed at fetch the jar (exit 1)")))
            .markdown();
    assertThat(markdown)
        .contains(
            "| m5n.2xlarge | Up to 25 Gigabit | retriever | concurrency=64 | 3 | 4.29 | 17 % | 1.00× |")
        .contains("| m5n.2xlarge | Up to 25 Gigabit | tm-crt |  | 1 | 2.15 | 9 % | 0.50× |")
        .contains("- c6in.2xlarge: the instance is terminated")
        .contains("  failed at fetch the jar (exit 1)\n")
        .contains("- m5n.2xlarge: EBS gp3 ");
  }
}
