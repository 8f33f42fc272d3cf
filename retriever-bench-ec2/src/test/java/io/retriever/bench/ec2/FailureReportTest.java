package io.retriever.bench.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.UserData;
import io.retriever.bench.run.RunResult;
import io.retriever.testkit.MotoServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * What the report says of an instance that gave no results, against moto, the test playing the
 * instances: the status and log its script left in S3, or its console output when nothing reached
 * S3; and a type whose turn comes after one that ran out of time still gets its own.
 */
class FailureReportTest {
  private static final String REGION = "us-east-1";
  private static MotoServer moto;
  private static Clients clients;

  @TempDir Path dir;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeAll
  static void start() throws Exception {
    moto = Moto.shared();
    clients = Moto.clients(moto, REGION);
    Moto.bucket(clients, "report-source");
    Moto.bucket(clients, "report-results");
    clients
        .s3()
        .putObject(b -> b.bucket("report-source").key("data/a"), RequestBody.fromString("abc"));
  }

  @AfterAll
  static void stop() throws Exception {
    clients.close();
  }

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  private Ec2Bench.Builder bench(String runId, List<String> types) throws Exception {
    Path jar = Files.writeString(dir.resolve("retriever.jar"), "the jar");
    return Moto.bench(moto, REGION, new Moto.Log())
        .instanceTypes(types)
        .source("s3://report-source/data/")
        .results("s3://report-results/runs")
        .jar(jar)
        .runId(runId)
        .timeLimit(Duration.ofMinutes(30))
        .confirmed(true);
  }

  private static Instance awaitRunning(String runId, String type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      for (Instance i : Moto.instances(clients, runId)) {
        if (i.instanceTypeAsString().equals(type)
            && i.state().name() == InstanceStateName.RUNNING) {
          return i;
        }
      }
      assertThat(System.nanoTime()).as(type + " of " + runId + " running").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void report_ofAnInstanceWhoseScriptFailed_showsTheStepAndTheLastLinesOfItsLog() throws Exception {
    String runId = "jar-fails";
    try (Ec2Bench bench = bench(runId, List.of("m5n.2xlarge")).build()) {
      Plan plan = bench.plan();
      Future<Ec2Report> run = threads.submit(() -> bench.run(plan));
      awaitRunning(runId, "m5n.2xlarge");
      // What the script's trap leaves when fetching the jar fails.
      String prefix = "runs/" + runId + "/m5n.2xlarge/";
      StringBuilder log = new StringBuilder();
      for (int i = 1; i <= 30; i++) {
        log.append("line ").append(i).append('\n');
      }
      log.append("fatal error: An error occurred (403) when calling the HeadObject operation\n");
      log.append("retriever-bench: failed at fetch the jar (exit 1)\n");
      clients
          .s3()
          .putObject(
              b -> b.bucket("report-results").key(prefix + "instance.log"),
              RequestBody.fromString(log.toString()));
      clients
          .s3()
          .putObject(
              b -> b.bucket("report-results").key(prefix + "status"),
              RequestBody.fromString("failed at fetch the jar (exit 1)\n"));

      Ec2Report report = run.get(30, TimeUnit.SECONDS);
      assertThat(report.failures())
          .containsEntry("m5n.2xlarge", "the instance's script failed at fetch the jar (exit 1)");
      assertThat(report.lastLines().get("m5n.2xlarge"))
          .hasSize(InstanceReport.LINES + 1)
          .startsWith("(last lines of s3://report-results/" + prefix + "instance.log)")
          .endsWith("retriever-bench: failed at fetch the jar (exit 1)")
          .doesNotContain("line 10");
      assertThat(report.markdown())
          .contains("- m5n.2xlarge: the instance's script failed at fetch the jar (exit 1)")
          .contains("  fatal error: An error occurred (403) when calling the HeadObject operation");
    }
  }

  /** Moto's console output is a fixed text: the report shows its last lines. */
  @Test
  void report_ofAnInstanceThatLeftNothingInS3_showsItsConsoleOutput() throws Exception {
    String runId = "silent";
    try (Ec2Bench bench = bench(runId, List.of("m5n.2xlarge")).build()) {
      Plan plan = bench.plan();
      Future<Ec2Report> run = threads.submit(() -> bench.run(plan));
      Instance instance = awaitRunning(runId, "m5n.2xlarge");
      clients.ec2().terminateInstances(b -> b.instanceIds(instance.instanceId()));

      Ec2Report report = run.get(30, TimeUnit.SECONDS);
      assertThat(report.failures().get("m5n.2xlarge")).contains("left no results");
      assertThat(report.lastLines().get("m5n.2xlarge"))
          .startsWith(
              "(no log in S3; last lines of the console output of " + instance.instanceId() + ")")
          .contains("Enabling fast FPU save and restore... done.");
    }
  }

  /** A clock that runs 50 times faster than the real one: a minute passes in 1.2 s. */
  private static final class FastClock extends Clock {
    private final Instant start = Instant.now();
    private final long startNanos = System.nanoTime();

    @Override
    public Instant instant() {
      return start.plusNanos((System.nanoTime() - startNanos) * 50);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @Test
  void timeLimit_countsFromEachTypesTurn_soTheNextTypeGetsItsOwn() throws Exception {
    String runId = "turns";
    List<String> types = List.of("m5n.2xlarge", "c6in.2xlarge");
    try (Ec2Bench bench =
        bench(runId, types).timeLimit(Duration.ofMinutes(1)).clock(new FastClock()).build()) {
      Plan plan = bench.plan();
      Future<Ec2Report> run = threads.submit(() -> bench.run(plan));
      awaitRunning(runId, "m5n.2xlarge");
      // The first type stays silent; the second is ready and waits for its turn.
      Instance second = awaitRunning(runId, "c6in.2xlarge");
      Future<Integer> played = play(second);

      Ec2Report report = run.get(60, TimeUnit.SECONDS);
      assertThat(played.get(10, TimeUnit.SECONDS)).isZero();
      assertThat(report.failures())
          .containsOnlyKeys("m5n.2xlarge")
          .containsEntry("m5n.2xlarge", "no results within the time limit of 1 min");
      assertThat(report.rows()).extracting(ReportRow::instanceType).containsExactly("c6in.2xlarge");
    }
  }

  /** Runs what the instance's user data runs, its bench writing the row of one run. */
  private Future<Integer> play(Instance instance) {
    String userData =
        new String(
            Base64.getDecoder()
                .decode(
                    clients
                        .ec2()
                        .describeInstanceAttribute(
                            b -> b.instanceId(instance.instanceId()).attribute("userData"))
                        .userData()
                        .value()),
            StandardCharsets.UTF_8);
    OnInstance onInstance =
        OnInstance.builder()
            .credentials(Moto.CREDENTIALS)
            .workDirectory(dir)
            .bench(
                (args, out) -> {
                  RunResult result =
                      new RunResult(
                          "getobject",
                          1,
                          true,
                          null,
                          1,
                          3,
                          0.5,
                          0.4,
                          0.1,
                          120,
                          3,
                          0,
                          null,
                          Map.of());
                  Files.writeString(
                      out.resolve("results.jsonl"),
                      new ObjectMapper().writeValueAsString(result.fields()) + "\n");
                  return 0;
                })
            .build();
    List<String> args = UserData.onInstanceArguments(userData);
    return threads.submit(() -> onInstance.run(args.toArray(String[]::new)));
  }
}
