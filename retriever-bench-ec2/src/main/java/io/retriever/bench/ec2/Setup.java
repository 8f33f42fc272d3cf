package io.retriever.bench.ec2;

import io.retriever.S3Uri;
import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.Layout;
import io.retriever.bench.ec2.internal.Resources;
import io.retriever.bench.ec2.internal.Tags;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Creates what the instances need before they launch: the staged jar, the plan beside the results,
 * the IAM role and instance profile (unless the run was given one) and a security group without
 * inbound rules. Records each as soon as it exists, so that teardown removes it.
 *
 * <p>Thread safety: confined to the thread of {@link Ec2Bench#run}.
 */
final class Setup {
  private static final String POLICY_NAME = "retriever-bench";
  private static final String TRUST_POLICY =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
          + "\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

  private final Clients clients;
  private final Layout layout;
  private final Resources resources;
  private final RunGuard guard;
  private final String runId;
  private final Path jar;
  private final String jarUrl;
  private final PrintStream log;

  /**
   * @param jar the jar to stage when {@code jarUrl} is null
   * @param jarUrl where the instances fetch the jar, or null to stage {@code jar}
   */
  Setup(
      Clients clients,
      Layout layout,
      Resources resources,
      RunGuard guard,
      String runId,
      Path jar,
      String jarUrl,
      PrintStream log) {
    this.clients = clients;
    this.layout = layout;
    this.resources = resources;
    this.guard = guard;
    this.runId = runId;
    this.jar = jar;
    this.jarUrl = jarUrl;
    this.log = log;
  }

  /** Creates what the plan says and returns the id of the instances' security group. */
  String create(Plan plan, List<Tag> tags) {
    if (jarUrl == null) {
      guard.checkNotAborted();
      clients
          .s3()
          .putObject(
              b -> b.bucket(layout.bucket()).key(layout.jarKey()), RequestBody.fromFile(jar));
      guard.record(
          resources.addStagedKey(layout.jarKey()),
          () -> clients.s3().deleteObject(b -> b.bucket(layout.bucket()).key(layout.jarKey())));
      log.println("Staged " + plan.jar());
    }
    // The plan stays with the results: what ran where, and each type's NIC rating.
    clients
        .s3()
        .putObject(
            b -> b.bucket(layout.bucket()).key(layout.planKey()),
            RequestBody.fromString(String.join("\n", plan.describe()) + "\n"));
    if (plan.createsInstanceProfile()) {
      createInstanceProfile(plan);
    }
    guard.checkNotAborted();
    String group =
        clients
            .ec2()
            .createSecurityGroup(
                b ->
                    b.groupName(Tags.name(runId))
                        .description("retriever bench ec2 run " + runId + ": no inbound rules")
                        .vpcId(plan.vpcId())
                        .tagSpecifications(Tags.tagged(ResourceType.SECURITY_GROUP, tags, null)))
            .groupId();
    guard.record(
        resources.addSecurityGroup(group),
        () -> clients.ec2().deleteSecurityGroup(b -> b.groupId(group)));
    log.println("Created security group " + group);
    return group;
  }

  private void createInstanceProfile(Plan plan) {
    String name = plan.instanceProfile();
    List<software.amazon.awssdk.services.iam.model.Tag> tags =
        List.of(
            software.amazon.awssdk.services.iam.model.Tag.builder()
                .key(Tags.RUN)
                .value(runId)
                .build(),
            software.amazon.awssdk.services.iam.model.Tag.builder()
                .key(Tags.EXPIRES)
                .value(plan.expires().toString())
                .build());
    guard.checkNotAborted();
    clients
        .iam()
        .createRole(
            b ->
                b.roleName(name)
                    .path(Tags.IAM_PATH)
                    .assumeRolePolicyDocument(TRUST_POLICY)
                    .description("retriever bench ec2 run " + runId)
                    .tags(tags));
    guard.record(resources.addRole(name), () -> clients.iam().deleteRole(b -> b.roleName(name)));
    clients
        .iam()
        .putRolePolicy(b -> b.roleName(name).policyName(POLICY_NAME).policyDocument(policy(plan)));
    guard.checkNotAborted();
    clients
        .iam()
        .createInstanceProfile(b -> b.instanceProfileName(name).path(Tags.IAM_PATH).tags(tags));
    guard.record(
        resources.addInstanceProfile(name),
        () -> clients.iam().deleteInstanceProfile(b -> b.instanceProfileName(name)));
    clients.iam().addRoleToInstanceProfile(b -> b.instanceProfileName(name).roleName(name));
    log.println("Created IAM role and instance profile " + name);
  }

  /** Reads the source, reads and writes the run's results, nothing else. */
  private String policy(Plan plan) {
    S3Uri from = S3Uri.parse(plan.source());
    String src = "arn:aws:s3:::" + from.bucket();
    String res = "arn:aws:s3:::" + layout.bucket();
    return "{\"Version\":\"2012-10-17\",\"Statement\":["
        + "{\"Effect\":\"Allow\",\"Action\":[\"s3:ListBucket\"],\"Resource\":[\""
        + src
        + "\",\""
        + res
        + "\"]},"
        + "{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":[\""
        + src
        + "/"
        + from.key()
        + "*\",\""
        + res
        + "/"
        + layout.prefix()
        + "*\"]},"
        + "{\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\""
        + res
        + "/"
        + layout.prefix()
        + "*\"]}]}";
  }
}
