package io.retriever.bench.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.RetrieverException;
import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.UserData;
import io.retriever.bench.report.BenchReport;
import io.retriever.bench.run.BenchmarkRunner;
import io.retriever.bench.run.Implementations;
import io.retriever.bench.run.RunResult;
import io.retriever.bench.run.Target;
import io.retriever.testkit.MotoServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
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
 * The whole loop against moto, the test playing each instance: it reads the user data the runner
 * stored and runs what it calls ({@link OnInstance}) here, against moto's S3.
 */
class RunTest {
  private static final String REGION = "us-east-1";
  private static final List<String> TYPES = List.of("m5n.2xlarge", "c6in.2xlarge");
  private static MotoServer moto;
  private static Clients clients;

  @TempDir Path dir;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Moto.Log log = new Moto.Log();

  @BeforeAll
  static void start() throws Exception {
    moto = Moto.shared();
    clients = Moto.clients(moto, REGION);
    Moto.bucket(clients, "source");
    Moto.bucket(clients, "results");
    for (int i = 0; i < 3; i++) {
      byte[] bytes = new byte[100_000 + i];
      java.util.Arrays.fill(bytes, (byte) i);
      int n = i;
      clients
          .s3()
          .putObject(b -> b.bucket("source").key("data/object-" + n), RequestBody.fromBytes(bytes));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    clients.close();
  }

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  private Ec2Bench.Builder bench(String runId) throws Exception {
    Path jar = Files.writeString(dir.resolve("retriever.jar"), "the jar");
    return Moto.bench(moto, REGION, log)
        .instanceTypes(TYPES)
        .source("s3://source/data/")
        .results("s3://results/runs")
        .benchArguments(List.of("--impl", "getobject", "--runs", "1"))
        .jar(jar)
        .runId(runId)
        .timeLimit(Duration.ofMinutes(60))
        .confirmed(true);
  }

  /** Waits until the run has this many instances running, and returns them. */
  private static List<Instance> awaitRunning(String runId, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      List<Instance> running =
          Moto.instances(clients, runId).stream()
              .filter(i -> i.state().name() == InstanceStateName.RUNNING)
              .toList();
      if (running.size() >= count) {
        return running;
      }
      assertThat(System.nanoTime()).as("instances of " + runId + " running").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** Asserts that nothing of the run is left: every instance terminated, nothing else remains. */
  private static void assertNothingLeft(String runId) {
    assertThat(Moto.instances(clients, runId))
        .isNotEmpty()
        .allSatisfy(i -> assertThat(i.state().name()).isEqualTo(InstanceStateName.TERMINATED));
    String name = "retriever-bench-" + runId;
    assertThat(Moto.everything(clients).keySet())
        .noneMatch(k -> k.contains(name))
        .noneMatch(k -> k.startsWith("object results/runs/" + runId + "/retriever.jar"))
        .noneMatch(k -> k.startsWith("object results/runs/" + runId + "/go/"));
    assertThat(
            clients.ec2().describeSecurityGroups().securityGroups().stream()
                .filter(g -> g.groupName().equals(name)))
        .isEmpty();
  }

  /**
   * Plays an instance: runs what its user data runs. The first type's bench is a real one, of
   * moto's S3, with {@code getobject} in a process of its own; the others write the rows of one run
   * as the bench writes them, which is much quicker.
   */
  private Future<Integer> play(Instance instance) {
    return play(instance, instance.instanceTypeAsString().equals(TYPES.get(0)));
  }

  private static String userData(Instance instance) {
    return new String(
        Base64.getDecoder()
            .decode(
                clients
                    .ec2()
                    .describeInstanceAttribute(
                        b -> b.instanceId(instance.instanceId()).attribute("userData"))
                    .userData()
                    .value()),
        StandardCharsets.UTF_8);
  }

  private Future<Integer> play(Instance instance, boolean realBench) {
    String userData = userData(instance);
    assertThat(userData)
        .startsWith("#!/bin/bash")
        .containsPattern("\nshutdown -h \\+\\d+\n")
        .contains("trap report EXIT")
        .contains("--work-directory /mnt/retriever");
    assertThat(
            clients
                .ec2()
                .describeInstanceAttribute(
                    b ->
                        b.instanceId(instance.instanceId())
                            .attribute("instanceInitiatedShutdownBehavior"))
                .instanceInitiatedShutdownBehavior()
                .value())
        .isEqualTo("terminate");
    List<String> args = UserData.onInstanceArguments(userData);
    String type = instance.instanceTypeAsString();
    OnInstance onInstance =
        OnInstance.builder()
            .credentials(Moto.CREDENTIALS)
            .workDirectory(dir)
            .bench(
                (benchArgs, out) -> {
                  assertThat(benchArgs)
                      .startsWith("bench", "--source", "s3://source/data/", "--region", REGION)
                      .endsWith("--impl", "getobject", "--runs", "1");
                  if (realBench) {
                    Target target =
                        new Target(
                            moto.endpoint(), REGION, "source", "data/", "a", "b", false, null);
                    List<RunResult> results =
                        new BenchmarkRunner(
                                target,
                                List.of(
                                    Implementations.builtIn(
                                        "getobject", Map.of(), List.of(), true, false)),
                                1,
                                0,
                                out,
                                log,
                                Duration.ofMillis(100),
                                Duration.ofSeconds(60))
                            .run();
                    new BenchReport(out, results, Map.of("machine", type)).write();
                  } else {
                    RunResult run =
                        new RunResult(
                            "getobject",
                            1,
                            true,
                            null,
                            3,
                            300_003,
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
                        new ObjectMapper().writeValueAsString(run.fields()) + "\n");
                  }
                  return 0;
                })
            .build();
    return threads.submit(() -> onInstance.run(args.toArray(String[]::new)));
  }

  @Test
  void run_launchesMeasuresCollectsMergesAndRemovesEverything() throws Exception {
    String runId = "loop-1";
    String firstSubnet;
    try (Ec2Bench probe = bench(runId).build()) {
      firstSubnet = probe.plan().instances().get(0).subnets().get(0);
    }
    FailingLaunches noCapacity = new FailingLaunches(Set.of(), Set.of(firstSubnet));
    try (Ec2Bench bench = bench(runId).addInterceptor(noCapacity).out(dir.resolve("out")).build()) {
      Plan plan = bench.plan();
      Future<Ec2Report> run = threads.submit(() -> bench.run(plan));
      List<Future<Integer>> instances = new ArrayList<>();
      for (Instance instance : awaitRunning(runId, TYPES.size())) {
        // Each type runs with a role of its own.
        int n = TYPES.indexOf(instance.instanceTypeAsString()) + 1;
        assertThat(instance.iamInstanceProfile().arn())
            .endsWith("/retriever-bench-" + runId + "-" + n);
        // Neither type has instance storage: each downloads to a volume provisioned for it.
        assertThat(instance.blockDeviceMappings())
            .anySatisfy(m -> assertThat(m.deviceName()).isEqualTo("/dev/sdf"));
        instances.add(play(instance));
      }
      Ec2Report report = run.get(60, TimeUnit.SECONDS);
      for (Future<Integer> instance : instances) {
        assertThat(instance.get(10, TimeUnit.SECONDS)).isZero();
      }

      assertThat(report.failures()).isEmpty();
      assertThat(report.rows())
          .extracting(ReportRow::instanceType)
          .containsExactlyElementsOf(TYPES);
      assertThat(report.rows())
          .allSatisfy(
              row -> {
                assertThat(row.impl()).isEqualTo("getobject");
                assertThat(row.runs()).isEqualTo(1);
                assertThat(row.gbps()).isPositive();
                assertThat(row.nicPeakGbps())
                    .isEqualTo(row.instanceType().startsWith("m5n") ? 25 : 40);
                assertThat(row.fractionOfNic()).isPositive();
                assertThat(row.peakRssMib()).isPositive();
              });
      String markdown = Files.readString(dir.resolve("out/report.md"));
      assertThat(dir.resolve("out/throughput.png")).isNotEmptyFile();
      assertThat(dir.resolve("out/cpu.png")).isNotEmptyFile();
      assertThat(markdown)
          .contains("| instance type | NIC |")
          .contains("| m5n.2xlarge | Up to 25 Gigabit | getobject |")
          .contains("| c6in.2xlarge | Up to 40 Gigabit | getobject |");
      assertThat(
              clients
                  .s3()
                  .getObjectAsBytes(b -> b.bucket("results").key("runs/" + runId + "/report.md"))
                  .asUtf8String())
          .isEqualTo(markdown);
      assertThat(Moto.everything(clients).keySet())
          .contains(
              "object results/runs/" + runId + "/m5n.2xlarge/results.jsonl",
              "object results/runs/" + runId + "/m5n.2xlarge/summary.json",
              "object results/runs/" + runId + "/c6in.2xlarge/results.jsonl",
              "object results/runs/" + runId + "/throughput.png",
              "object results/runs/" + runId + "/plan.txt");

      // Each instance powers off once the turns up to its own are over.
      for (Instance instance : Moto.instances(clients, runId)) {
        int index = TYPES.indexOf(instance.instanceTypeAsString());
        assertThat(userData(instance)).contains("shutdown -h +" + 65 * (index + 1) + "\n");
      }
      assertThat(markdown).contains("- m5n.2xlarge: EBS gp3 ");

      // The first zone had no capacity: the type went to the next zone that offers it.
      assertThat(noCapacity.refused).isNotEmpty();
      assertThat(Moto.instances(clients, runId))
          .allSatisfy(i -> assertThat(i.subnetId()).isNotEqualTo(firstSubnet));
      assertThat(log.text()).contains("No capacity for");
    }
    assertNothingLeft(runId);
  }

  @Test
  void abort_whileInstancesRun_terminatesThemAndRemovesEverything() throws Exception {
    String runId = "ctrl-c";
    try (Ec2Bench bench = bench(runId).build()) {
      Plan plan = bench.plan();
      Future<Ec2Report> run = threads.submit(() -> bench.run(plan));
      awaitRunning(runId, TYPES.size());

      assertThat(bench.abort()).isEmpty();

      assertThatThrownBy(() -> run.get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(RetrieverException.class)
          .hasMessageContaining("stopped");
    }
    assertNothingLeft(runId);
  }

  @Test
  void run_whenALaunchFailsHalfWay_removesWhatWasCreated() throws Exception {
    String runId = "half-way";
    FailingLaunches noC6in = new FailingLaunches(Set.of("c6in.2xlarge"), Set.of());
    try (Ec2Bench bench = bench(runId).addInterceptor(noC6in).build()) {
      Plan plan = bench.plan();
      assertThatThrownBy(() -> bench.run(plan))
          .isInstanceOf(RetrieverException.class)
          .hasMessageContaining("no capacity for c6in.2xlarge in any of");
    }
    assertThat(Moto.instances(clients, runId))
        .extracting(Instance::instanceTypeAsString)
        .containsExactly("m5n.2xlarge");
    assertNothingLeft(runId);
  }

  @Test
  void run_withoutConfirmation_createsNothing() throws Exception {
    Map<String, String> before = Moto.everything(clients);
    try (Ec2Bench bench = bench("unconfirmed").confirmed(false).build()) {
      Plan plan = bench.plan();
      assertThatThrownBy(() -> bench.run(plan))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("--yes");
    }
    assertThat(Moto.everything(clients)).isEqualTo(before);
  }

  @Test
  void cleanup_afterTheRunnerWasKilled_findsByTagAndRemovesEverything() throws Exception {
    String runId = "killed";
    Path jar = Files.writeString(dir.resolve("retriever.jar"), "the jar");
    Process runner =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty(
                    "surefire.test.class.path", System.getProperty("java.class.path")),
                RunnerMain.class.getName(),
                Moto.endpoint(moto).toString(),
                REGION,
                runId,
                jar.toString(),
                "m5n.2xlarge",
                "c6in.2xlarge")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("runner.log").toFile())
            .start();
    try {
      awaitRunning(runId, 2);
    } finally {
      runner.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(Moto.instances(clients, runId))
        .allSatisfy(i -> assertThat(i.state().name()).isEqualTo(InstanceStateName.RUNNING));

    Cleanup cleanup;
    try (Ec2Bench bench = Moto.bench(moto, REGION, log).build()) {
      List<LeftoverRun> left =
          bench.leftovers().stream().filter(r -> r.runId().equals(runId)).toList();
      assertThat(left).hasSize(1);
      assertThat(left.get(0).expired(java.time.Instant.now())).isFalse();
      cleanup = bench.cleanup(left);
      assertThat(bench.leftovers()).noneMatch(r -> r.runId().equals(runId));
    }
    assertThat(cleanup.failures()).isEmpty();
    assertThat(cleanup.instanceIds()).hasSize(2);
    assertThat(cleanup.securityGroupIds()).hasSize(1);
    assertThat(cleanup.instanceProfiles())
        .containsExactlyInAnyOrder(
            "retriever-bench-" + runId + "-1", "retriever-bench-" + runId + "-2");
    assertThat(cleanup.roles())
        .containsExactlyInAnyOrder(
            "retriever-bench-" + runId + "-1", "retriever-bench-" + runId + "-2");
    assertThat(cleanup.stagedObjects()).contains("s3://results/runs/killed/retriever.jar");
    assertThat(Moto.instances(clients, runId))
        .allSatisfy(i -> assertThat(i.state().name()).isEqualTo(InstanceStateName.TERMINATED));
    assertThat(Moto.everything(clients).keySet())
        .noneMatch(k -> k.contains("retriever-bench-" + runId));
  }

  @Test
  void parallelMeasure_signalsEveryType_andAnInstanceThatDiesIsReportedWithoutResults()
      throws Exception {
    String runId = "parallel";
    try (Ec2Bench bench = bench(runId).parallelMeasure(true).build()) {
      Plan plan = bench.plan();
      Future<Ec2Report> run = threads.submit(() -> bench.run(plan));
      List<Instance> instances = awaitRunning(runId, TYPES.size());
      Instance lives =
          instances.stream()
              .filter(i -> i.instanceTypeAsString().equals(TYPES.get(1)))
              .findFirst()
              .orElseThrow();
      Instance dies =
          instances.stream()
              .filter(i -> i.instanceTypeAsString().equals(TYPES.get(0)))
              .findFirst()
              .orElseThrow();
      Future<Integer> played = play(lives, false);
      assertThat(played.get(20, TimeUnit.SECONDS)).isZero();
      clients.ec2().terminateInstances(b -> b.instanceIds(dies.instanceId()));

      Ec2Report report = run.get(20, TimeUnit.SECONDS);
      assertThat(report.rows()).extracting(ReportRow::instanceType).containsExactly(TYPES.get(1));
      assertThat(report.failures())
          .containsOnlyKeys(TYPES.get(0))
          .hasValueSatisfying(
              new org.assertj.core.api.Condition<>(
                  why -> why.contains("left no results"), "says it left no results"));
      assertThat(report.markdown()).contains("- m5n.2xlarge: the instance is");
    }
    assertNothingLeft(runId);
  }
}
