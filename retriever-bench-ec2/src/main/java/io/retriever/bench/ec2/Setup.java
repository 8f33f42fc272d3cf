package io.retriever.bench.ec2;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.InstancePolicy;
import io.retriever.bench.ec2.internal.Layout;
import io.retriever.bench.ec2.internal.Partition;
import io.retriever.bench.ec2.internal.Resources;
import io.retriever.bench.ec2.internal.Tags;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Creates what the instances need before they launch: the staged jar, the plan beside the results,
 * a role and instance profile per instance type (unless the run was given a profile) and a security
 * group without inbound rules. Each creation is one step of the {@link RunGuard}, recorded as soon
 * as it exists, so that teardown removes it, and never runs while teardown does.
 *
 * <p>Thread safety: confined to the thread of {@link Ec2Bench#run}.
 */
final class Setup {
  private static final String POLICY_NAME = "retriever-bench";

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

  /**
   * Creates what the plan says and returns the id of the instances' security group.
   *
   * @param tags the run's tags of EC2 resources
   * @param expires when the run's resources count as left over, in the IAM resources' tags too
   */
  String create(Plan plan, List<Tag> tags, Instant expires) {
    if (jarUrl == null) {
      guard.step(
          () -> {
            put(layout.jarKey(), RequestBody.fromFile(jar));
            guard.record(
                resources.addStagedKey(layout.jarKey()),
                () ->
                    clients.s3().deleteObject(b -> b.bucket(layout.bucket()).key(layout.jarKey())));
          });
      log.println("Staged " + plan.jar());
    }
    // The plan stays with the results: what ran where, and each type's NIC rating.
    guard.step(
        () ->
            put(
                layout.planKey(),
                RequestBody.fromString(String.join("\n", plan.describe()) + "\n")));
    if (plan.createsInstanceProfile()) {
      for (InstancePlan instance : plan.instances()) {
        createInstanceProfile(plan, instance, expires);
      }
    }
    String group =
        guard.step(
            () -> {
              String id =
                  clients
                      .ec2()
                      .createSecurityGroup(
                          b ->
                              b.groupName(Tags.name(runId))
                                  .description(
                                      "retriever bench ec2 run " + runId + ": no inbound rules")
                                  .vpcId(plan.vpcId())
                                  .tagSpecifications(
                                      Tags.tagged(ResourceType.SECURITY_GROUP, tags, null)))
                      .groupId();
              guard.record(
                  resources.addSecurityGroup(id),
                  () -> clients.ec2().deleteSecurityGroup(b -> b.groupId(id)));
              return id;
            });
    log.println("Created security group " + group);
    return group;
  }

  private void put(String key, RequestBody body) {
    try {
      clients.s3().putObject(b -> b.bucket(layout.bucket()).key(key), body);
    } catch (S3Exception e) {
      throw new RetrieverException(
          Reason.SERVER,
          "cannot write s3://"
              + layout.bucket()
              + "/"
              + key
              + ": "
              + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode()),
          e);
    }
  }

  /** Creates the type's role with its policy, and its instance profile holding the role. */
  private void createInstanceProfile(Plan plan, InstancePlan instance, Instant expires) {
    String name = instance.instanceProfile();
    List<software.amazon.awssdk.services.iam.model.Tag> tags =
        List.of(
            iamTag(Tags.RUN, runId),
            iamTag(Tags.EXPIRES, expires.toString()),
            iamTag(Tags.RESULTS, plan.results()));
    guard.step(
        () -> {
          clients
              .iam()
              .createRole(
                  b ->
                      b.roleName(name)
                          .path(Tags.IAM_PATH)
                          .assumeRolePolicyDocument(
                              InstancePolicy.trustPolicy(Partition.of(plan.region())))
                          .description(
                              "retriever bench ec2 run " + runId + ", " + instance.instanceType())
                          .tags(tags));
          guard.record(
              resources.addRole(name), () -> clients.iam().deleteRole(b -> b.roleName(name)));
        });
    guard.step(
        () ->
            clients
                .iam()
                .putRolePolicy(
                    b ->
                        b.roleName(name)
                            .policyName(POLICY_NAME)
                            .policyDocument(plan.policy(instance, false))));
    guard.step(
        () -> {
          clients
              .iam()
              .createInstanceProfile(
                  b -> b.instanceProfileName(name).path(Tags.IAM_PATH).tags(tags));
          guard.record(
              resources.addInstanceProfile(name),
              () -> clients.iam().deleteInstanceProfile(b -> b.instanceProfileName(name)));
        });
    guard.step(
        () ->
            clients
                .iam()
                .addRoleToInstanceProfile(b -> b.instanceProfileName(name).roleName(name)));
    log.println(
        "Created IAM role and instance profile " + name + " for " + instance.instanceType());
  }

  private static software.amazon.awssdk.services.iam.model.Tag iamTag(String key, String value) {
    return software.amazon.awssdk.services.iam.model.Tag.builder().key(key).value(value).build();
  }
}
