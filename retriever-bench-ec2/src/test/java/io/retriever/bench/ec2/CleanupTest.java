package io.retriever.bench.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.bench.ec2.internal.Clients;
import io.retriever.testkit.MotoServer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * Cleanup in an account shared with runs in progress, against moto: what runs left is found by tag,
 * run by run with its expiry, and only the runs it is given are removed.
 */
class CleanupTest {
  private static final String REGION = "eu-central-1";
  private static final String TRUST =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
          + "\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
  private static MotoServer moto;
  private static Clients clients;

  @BeforeAll
  static void start() throws Exception {
    moto = Moto.shared();
    clients = Moto.clients(moto, REGION);
    Moto.bucket(clients, "cleanup-results");
  }

  @AfterAll
  static void stop() throws Exception {
    clients.close();
  }

  /**
   * Leaves in moto what a run killed after launching leaves: an instance, a security group, a role
   * and instance profile, the staged jar and a signal, each tagged as a run tags them.
   */
  static void leave(Clients clients, String runId, Instant expires) {
    String results = "s3://cleanup-results/runs/" + runId + "/";
    List<Tag> tags =
        List.of(
            Tag.builder().key("retriever:run").value(runId).build(),
            Tag.builder().key("retriever:expires").value(expires.toString()).build(),
            Tag.builder().key("retriever:results").value(results).build());
    String vpc = clients.ec2().describeVpcs().vpcs().get(0).vpcId();
    String group =
        clients
            .ec2()
            .createSecurityGroup(
                b ->
                    b.groupName("retriever-bench-" + runId)
                        .description("left")
                        .vpcId(vpc)
                        .tagSpecifications(
                            TagSpecification.builder()
                                .resourceType(ResourceType.SECURITY_GROUP)
                                .tags(tags)
                                .build()))
            .groupId();
    String image =
        clients
            .ssm()
            .getParameter(
                b ->
                    b.name("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"))
            .parameter()
            .value();
    clients
        .ec2()
        .runInstances(
            b ->
                b.imageId(image)
                    .instanceType("m5.large")
                    .minCount(1)
                    .maxCount(1)
                    .securityGroupIds(group)
                    .tagSpecifications(
                        TagSpecification.builder()
                            .resourceType(ResourceType.INSTANCE)
                            .tags(tags)
                            .build()));
    List<software.amazon.awssdk.services.iam.model.Tag> iamTags =
        tags.stream()
            .map(
                t ->
                    software.amazon.awssdk.services.iam.model.Tag.builder()
                        .key(t.key())
                        .value(t.value())
                        .build())
            .toList();
    String name = "retriever-bench-" + runId + "-1";
    clients
        .iam()
        .createRole(
            b ->
                b.roleName(name)
                    .path("/retriever-bench/")
                    .assumeRolePolicyDocument(TRUST)
                    .tags(iamTags));
    clients
        .iam()
        .createInstanceProfile(
            b -> b.instanceProfileName(name).path("/retriever-bench/").tags(iamTags));
    clients.iam().addRoleToInstanceProfile(b -> b.instanceProfileName(name).roleName(name));
    for (String key : List.of("retriever.jar", "go/m5.large", "m5.large/results.jsonl")) {
      clients
          .s3()
          .putObject(
              b -> b.bucket("cleanup-results").key("runs/" + runId + "/" + key),
              RequestBody.fromString(key));
    }
  }

  /** A clock a test moves on by hand. */
  private static final class HandClock extends java.time.Clock {
    private final java.util.concurrent.atomic.AtomicReference<Instant> now =
        new java.util.concurrent.atomic.AtomicReference<>(Instant.now());

    void advance(java.time.Duration by) {
      now.updateAndGet(t -> t.plus(by));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /** A plan that waited three hours for its yes: the run's expiry counts from its start. */
  @Test
  void run_tagsItsExpiryFromWhenItStarts_notFromWhenItWasPlanned() throws Exception {
    Moto.bucket(clients, "cleanup-source");
    clients
        .s3()
        .putObject(b -> b.bucket("cleanup-source").key("data/a"), RequestBody.fromString("a"));
    HandClock clock = new HandClock();
    java.nio.file.Path jar = java.nio.file.Files.createTempFile("retriever", ".jar");
    try (Ec2Bench bench =
        Moto.bench(moto, REGION, new Moto.Log())
            .instanceTypes(List.of("m5.large"))
            .source("s3://cleanup-source/data/")
            .results("s3://cleanup-results/runs")
            .jar(jar)
            .runId("late-yes")
            .timeLimit(java.time.Duration.ofMinutes(20))
            .clock(clock)
            .confirmation(
                plan -> {
                  clock.advance(java.time.Duration.ofHours(3));
                  return true;
                })
            .build()) {
      Plan plan = bench.plan();
      java.util.concurrent.ExecutorService thread =
          java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        thread.submit(() -> bench.run(plan));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        List<LeftoverRun> running = List.of();
        while (running.isEmpty() || running.get(0).instanceIds().isEmpty()) {
          assertThat(System.nanoTime()).as("the run launched").isLessThan(deadline);
          Thread.sleep(50);
          running = bench.leftovers().stream().filter(r -> r.runId().equals("late-yes")).toList();
        }
        // 25 minutes to the instance's power-off, and an hour, from the start three hours on.
        assertThat(running.get(0).expires())
            .isEqualTo(plan.expires().plus(java.time.Duration.ofHours(3)));
      } finally {
        assertThat(bench.abort()).isEmpty();
        thread.shutdownNow();
        java.nio.file.Files.deleteIfExists(jar);
      }
    }
  }

  @Test
  void leftovers_tellExpiredFromInProgress_andCleanupRemovesOnlyWhatItIsGiven() throws Exception {
    Instant now = Instant.now();
    leave(clients, "over", now.minusSeconds(3600));
    leave(clients, "colleague", now.plusSeconds(3600));
    try (Ec2Bench bench = Moto.bench(moto, REGION, new Moto.Log()).build()) {
      List<LeftoverRun> found = bench.leftovers();
      assertThat(found).extracting(LeftoverRun::runId).containsExactly("colleague", "over");
      LeftoverRun over = found.get(1);
      assertThat(over.expired(now)).isTrue();
      assertThat(found.get(0).expired(now)).isFalse();
      assertThat(over.instanceIds()).hasSize(1);
      assertThat(over.securityGroupIds()).hasSize(1);
      assertThat(over.roles()).containsExactly("retriever-bench-over-1");
      assertThat(over.instanceProfiles()).containsExactly("retriever-bench-over-1");
      // The results location comes from the tags: the staged jar and signal go, the results stay.
      assertThat(over.stagedObjects())
          .containsExactlyInAnyOrder(
              "s3://cleanup-results/runs/over/retriever.jar",
              "s3://cleanup-results/runs/over/go/m5.large");
      assertThat(over.describe(now)).contains("over  expired ", "1 instance, 1 security group");
      assertThat(found.get(0).describe(now)).contains("in progress, expires ");

      Cleanup cleanup =
          bench.cleanup(found.stream().filter(r -> r.expired(Instant.now())).toList());
      assertThat(cleanup.failures()).isEmpty();
      assertThat(cleanup.roles()).containsExactly("retriever-bench-over-1");

      List<LeftoverRun> after = bench.leftovers();
      assertThat(after).extracting(LeftoverRun::runId).containsExactly("colleague");
      assertThat(after.get(0).instanceIds()).hasSize(1);
      assertThat(
              clients
                  .ec2()
                  .describeInstances(b -> b.instanceIds(after.get(0).instanceIds()))
                  .reservations()
                  .get(0)
                  .instances()
                  .get(0)
                  .state()
                  .name())
          .isEqualTo(InstanceStateName.RUNNING);
      assertThat(Moto.everything(clients).keySet())
          .contains("object cleanup-results/runs/over/m5.large/results.jsonl")
          .doesNotContain("object cleanup-results/runs/over/retriever.jar")
          .contains("object cleanup-results/runs/colleague/retriever.jar");

      bench.cleanup(after);
      assertThat(bench.leftovers()).isEmpty();
    }
  }
}
