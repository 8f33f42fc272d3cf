package io.retriever.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.MotoServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code retriever bench ec2} against moto on 127.0.0.1, the test playing the instances. */
class BenchEc2CliTest {
  private static final String REGION = "us-east-1";
  private static final Map<String, String> AWS =
      Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b");
  private static MotoServer moto;
  private static Ec2Client ec2;
  private static S3Client s3;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    moto = MotoServer.start();
    assertThat(moto.endpoint().getHost()).isEqualTo("127.0.0.1");
    ec2 =
        Ec2Client.builder()
            .endpointOverride(moto.endpoint())
            .region(Region.of(REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
            .build();
    s3 = moto.newS3Client();
    s3.createBucket(b -> b.bucket("source"));
    s3.createBucket(b -> b.bucket("results"));
    s3.putObject(
        b -> b.bucket("source").key("data/object"),
        software.amazon.awssdk.core.sync.RequestBody.fromString("some bytes"));
  }

  @AfterAll
  static void stop() throws Exception {
    ec2.close();
    s3.close();
    moto.close();
  }

  private String[] command(String... more) throws Exception {
    Path jar = Files.writeString(dir.resolve("retriever.jar"), "the jar");
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "ec2",
                "--instance-types",
                "m5n.2xlarge,c6gn.8xlarge",
                "--source",
                "s3://source/data/",
                "--results",
                "s3://results/runs",
                "--region",
                REGION,
                "--endpoint-url",
                moto.endpoint().toString(),
                "--jar",
                jar.toString(),
                "--runs",
                "1",
                "--poll-seconds",
                "0.05",
                "--out",
                dir.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** Returns what moto holds that a run could create. */
  private static Map<String, String> state() {
    Map<String, String> all = new TreeMap<>();
    ec2.describeInstances()
        .reservations()
        .forEach(
            r -> r.instances().forEach(i -> all.put(i.instanceId(), i.state().nameAsString())));
    ec2.describeSecurityGroups().securityGroups().forEach(g -> all.put(g.groupId(), g.groupName()));
    s3.listObjectsV2(b -> b.bucket("results")).contents().forEach(o -> all.put(o.key(), o.eTag()));
    return all;
  }

  private static List<Instance> running() {
    List<Instance> running = new ArrayList<>();
    ec2.describeInstances(
            b ->
                b.filters(
                    Filter.builder().name("tag-key").values("retriever:run").build(),
                    Filter.builder().name("instance-state-name").values("running").build()))
        .reservations()
        .forEach(r -> running.addAll(r.instances()));
    return running;
  }

  private static List<Instance> awaitRunning(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (running().size() < count) {
      assertThat(System.nanoTime()).as("instances running").isLessThan(deadline);
      Thread.sleep(50);
    }
    return running();
  }

  private static String runId(Instance instance) {
    return instance.tags().stream()
        .filter(t -> t.key().equals("retriever:run"))
        .findFirst()
        .orElseThrow()
        .value();
  }

  @Test
  void dryRun_printsThePlan_andWithoutYes_nothingIsCreated() throws Exception {
    Map<String, String> before = state();
    Cli.Result dry = Cli.run(AWS, command("--dry-run"));
    assertThat(dry.exitCode()).as(dry.stderr()).isZero();
    assertThat(dry.out())
        .contains("Instances (2):", "m5n.2xlarge", "c6gn.8xlarge", "arm64", "Up to 25 Gigabit")
        .contains("no inbound rules", "Cost: at most", "Dry run: nothing was created.")
        .contains("1 object(s)")
        // bench's four implementations, --runs 1 and its one warm-up.
        .contains("min per type (derived: 8 download(s) of 10 B");
    assertThat(state()).isEqualTo(before);

    Cli.Result refused = Cli.run(AWS, command());
    assertThat(refused.exitCode()).isEqualTo(ExitCode.FAILURE);
    assertThat(refused.out()).contains("Instances (2):");
    assertThat(refused.stderr()).contains("nothing was created: pass --yes");
    assertThat(state()).isEqualTo(before);
  }

  private static String[] cleanup(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "ec2",
                "cleanup",
                "--region",
                REGION,
                "--endpoint-url",
                moto.endpoint().toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** Leaves a security group tagged as a run tags what it creates, expiring at {@code expires}. */
  private static String leave(String runId, Instant expires) {
    String vpc = ec2.describeVpcs().vpcs().get(0).vpcId();
    return ec2.createSecurityGroup(
            b ->
                b.groupName("retriever-bench-" + runId)
                    .description("left")
                    .vpcId(vpc)
                    .tagSpecifications(
                        TagSpecification.builder()
                            .resourceType(ResourceType.SECURITY_GROUP)
                            .tags(
                                Tag.builder().key("retriever:run").value(runId).build(),
                                Tag.builder()
                                    .key("retriever:expires")
                                    .value(expires.toString())
                                    .build())
                            .build()))
        .groupId();
  }

  private static boolean exists(String group) {
    return !ec2.describeSecurityGroups(
            b -> b.filters(Filter.builder().name("group-id").values(group).build()))
        .securityGroups()
        .isEmpty();
  }

  @Test
  void cleanup_removesOnlyExpiredRuns_afterAsking_andInProgressOnlyWithAll() throws Exception {
    String old = leave("old-run", Instant.now().minusSeconds(600));
    String busy = leave("busy-run", Instant.now().plusSeconds(3600));

    Cli.Result asked = Cli.run(AWS, cleanup());
    assertThat(asked.exitCode()).isEqualTo(ExitCode.FAILURE);
    assertThat(asked.out())
        .contains("Left by 1 run(s):", "old-run  expired")
        .doesNotContain("busy");
    assertThat(asked.stderr()).contains("nothing was removed").contains("--yes");
    assertThat(exists(old)).isTrue();

    Cli.Result removed = Cli.run(AWS, cleanup("--yes"));
    assertThat(removed.exitCode()).as(removed.stderr()).isZero();
    assertThat(removed.out()).contains("Removed 0 instance(s), 1 security group(s)");
    assertThat(exists(old)).isFalse();
    assertThat(exists(busy)).isTrue();

    Cli.Result alone = Cli.run(AWS, cleanup());
    assertThat(alone.exitCode()).isZero();
    assertThat(alone.out()).contains("Nothing expired", "busy-run (expires ", "--all");

    Cli.Result all = Cli.run(AWS, cleanup("--all", "--yes"));
    assertThat(all.exitCode()).as(all.stderr()).isZero();
    assertThat(all.out()).contains("busy-run  in progress");
    assertThat(exists(busy)).isFalse();
  }

  @Test
  void dryRun_withoutResultsBucket_namesIt_andExits1() throws Exception {
    String[] args = command("--dry-run");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("s3://results/runs")) {
        args[i] = "s3://no-such-results/runs";
      }
    }
    Cli.Result dry = Cli.run(AWS, args);
    assertThat(dry.exitCode()).isEqualTo(ExitCode.FAILURE);
    assertThat(dry.out())
        .contains("Problems (1)")
        .contains("results bucket no-such-results does not exist")
        .contains("Dry run: nothing was created; the plan has 1 problem(s)");
  }

  /**
   * Ctrl-C while the roles are being created, the moment that once left a role behind: the run
   * exits 130 and cleanup finds nothing of it.
   */
  @Test
  void ctrlC_whileCreatingRoles_exits130_andLeavesNothing() throws Exception {
    Process cli = Cli.startInterruptible(AWS, command("--yes"));
    CompletableFuture<String> stderr =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(cli.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    BufferedReader out =
        new BufferedReader(new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8));
    String runId =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    String id = null;
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                      if (line.startsWith("Run ") && id == null) {
                        id = line.split(" ")[1];
                      }
                      if (line.startsWith("Created IAM role and instance profile")) {
                        new ProcessBuilder("kill", "-INT", Long.toString(cli.pid()))
                            .start()
                            .waitFor();
                        return id;
                      }
                    }
                    throw new AssertionError("the run created no role");
                  } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                })
            .get(90, TimeUnit.SECONDS);
    out.transferTo(java.io.Writer.nullWriter());
    assertThat(cli.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(cli.exitValue()).as(stderr.get()).isEqualTo(ExitCode.INTERRUPTED);
    assertThat(stderr.get()).contains("removed what run " + runId + " created");

    Cli.Result cleanup = Cli.run(AWS, cleanup("--run", runId));
    assertThat(cleanup.exitCode()).as(cleanup.stderr()).isZero();
    assertThat(cleanup.out()).contains("Nothing left by run " + runId + ".");
    assertThat(ec2.describeSecurityGroups().securityGroups())
        .noneMatch(g -> g.groupName().equals("retriever-bench-" + runId));
  }

  @Test
  void ctrlC_whileInstancesRun_terminatesThem_andExits130() throws Exception {
    Process cli = Cli.startInterruptible(AWS, command("--yes"));
    List<Instance> instances = awaitRunning(2);
    new ProcessBuilder("kill", "-INT", Long.toString(cli.pid())).start().waitFor();
    Cli.Result r = Cli.finish(cli);
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(ExitCode.INTERRUPTED);
    assertThat(r.stderr()).contains("interrupted; terminated the instances and removed what run");
    for (Instance instance : instances) {
      assertThat(
              ec2.describeInstances(b -> b.instanceIds(instance.instanceId()))
                  .reservations()
                  .get(0)
                  .instances()
                  .get(0)
                  .state()
                  .name())
          .isEqualTo(InstanceStateName.TERMINATED);
    }
    Cli.Result cleanup =
        Cli.run(
            AWS,
            "bench",
            "ec2",
            "cleanup",
            "--run",
            runId(instances.get(0)),
            "--region",
            REGION,
            "--endpoint-url",
            moto.endpoint().toString());
    assertThat(cleanup.exitCode()).as(cleanup.stderr()).isZero();
    assertThat(cleanup.out()).contains("Nothing left by run " + runId(instances.get(0)));
  }
}
