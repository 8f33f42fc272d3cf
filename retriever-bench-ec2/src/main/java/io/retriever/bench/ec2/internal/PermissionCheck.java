package io.retriever.bench.ec2.internal;

import io.retriever.bench.ec2.InstancePlan;
import io.retriever.bench.ec2.Storage;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.VolumeType;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType;

/**
 * Checks, before anything is created, that the caller may create what a plan needs: EC2's own
 * {@code DryRun} for the launches and the security group (EC2 answers whether the call would
 * succeed), and IAM's policy simulation of the caller for the roles, instance profiles and results
 * objects. What cannot be checked (the caller may not simulate, or is the account's root) is said
 * as a warning.
 *
 * <p>Thread safety: confined to one thread.
 */
public final class PermissionCheck {
  private final Clients clients;
  private final Partition partition;
  private final List<String> problems;
  private final List<String> warnings;

  public PermissionCheck(
      Clients clients, Partition partition, List<String> problems, List<String> warnings) {
    this.clients = clients;
    this.partition = partition;
    this.problems = problems;
    this.warnings = warnings;
  }

  /** Asks EC2 whether each launch, and the security group, would be allowed. */
  public void ec2(List<InstancePlan> instances, String vpcId, String keyName) {
    Tag tag = Tags.tag(Tags.RUN, "dry-run");
    dryRun(
        "create a security group in " + vpcId,
        () ->
            clients
                .ec2()
                .createSecurityGroup(
                    b ->
                        b.dryRun(true)
                            .groupName(Tags.name("dry-run"))
                            .description("dry run")
                            .vpcId(vpcId)
                            .tagSpecifications(
                                Tags.tagged(ResourceType.SECURITY_GROUP, List.of(tag), null))));
    for (InstancePlan i : instances) {
      dryRun(
          "launch " + i.instanceType() + " in " + i.subnets().get(0),
          () ->
              clients
                  .ec2()
                  .runInstances(
                      b ->
                          b.dryRun(true)
                              .imageId(i.imageId())
                              .instanceType(i.instanceType())
                              .minCount(1)
                              .maxCount(1)
                              .subnetId(i.subnets().get(0))
                              .keyName(keyName)
                              .blockDeviceMappings(blockDevices(i.storage()))
                              .tagSpecifications(
                                  Tags.tagged(ResourceType.INSTANCE, List.of(tag), null),
                                  Tags.tagged(ResourceType.VOLUME, List.of(tag), null))));
    }
  }

  /** Returns the block device mappings of a launch: the EBS volume the storage needs, if any. */
  public static List<BlockDeviceMapping> blockDevices(Storage storage) {
    if (storage.kind() != Storage.Kind.EBS) {
      return List.of();
    }
    return List.of(
        BlockDeviceMapping.builder()
            .deviceName(Storage.EBS_DEVICE)
            .ebs(
                e ->
                    e.volumeSize(storage.sizeGib())
                        .volumeType(VolumeType.GP3)
                        .throughput(storage.throughputMibps())
                        .iops(storage.iops())
                        .deleteOnTermination(true))
            .build());
  }

  private void dryRun(String what, Runnable call) {
    try {
      call.run();
      // EC2 answers a dry run with an error, whatever it would have done.
      warnings.add("EC2 ignored the dry run of: " + what);
    } catch (Ec2Exception e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      // A dry run checks permissions and parameters; capacity is the launch's to find, zone by
      // zone, as an EC2 that checks it in a dry run would say.
      if (!code.equals("DryRunOperation") && !code.equals("InsufficientInstanceCapacity")) {
        problems.add(
            "the caller may not "
                + what
                + ": "
                + (e.awsErrorDetails() == null
                    ? e.getMessage()
                    : code + " " + e.awsErrorDetails().errorMessage()));
      }
    } catch (SdkException e) {
      problems.add(
          "EC2 cannot be reached to check that the caller may " + what + ": " + e.getMessage());
    }
  }

  /**
   * Simulates the caller's policies for what the run does in IAM and S3: create, pass and delete
   * the roles and instance profiles, and stage and remove objects below the results prefix.
   */
  public void iam(String runId, int types, Layout layout, boolean stagesJar) {
    String caller;
    try {
      caller = clients.sts().getCallerIdentity().arn();
    } catch (SdkException e) {
      warnings.add("could not tell who the caller is (sts:GetCallerIdentity): " + e.getMessage());
      return;
    }
    String principal = principal(caller);
    if (principal == null) {
      return;
    }
    String account = caller.split(":")[4];
    String role = partition.iamArn(account, "role" + Tags.IAM_PATH + Tags.roleName(runId, types));
    String profile =
        partition.iamArn(account, "instance-profile" + Tags.IAM_PATH + Tags.roleName(runId, types));
    try {
      simulateAll(principal, role, profile, layout, stagesJar);
    } catch (Skip e) {
      // Said as a warning where the simulation failed.
    }
  }

  private void simulateAll(
      String principal, String role, String profile, Layout layout, boolean stagesJar) {
    simulate(
        principal,
        List.of(
            "iam:CreateRole",
            "iam:TagRole",
            "iam:PutRolePolicy",
            "iam:PassRole",
            "iam:ListRolePolicies",
            "iam:DeleteRolePolicy",
            "iam:ListInstanceProfilesForRole",
            "iam:DeleteRole"),
        role);
    simulate(
        principal,
        List.of(
            "iam:CreateInstanceProfile",
            "iam:TagInstanceProfile",
            "iam:AddRoleToInstanceProfile",
            "iam:GetInstanceProfile",
            "iam:RemoveRoleFromInstanceProfile",
            "iam:DeleteInstanceProfile"),
        profile);
    simulate(
        principal,
        stagesJar
            ? List.of("s3:PutObject", "s3:GetObject", "s3:DeleteObject")
            : List.of("s3:PutObject", "s3:GetObject"),
        partition.s3Arn(layout.bucket(), layout.prefix() + "*"));
    simulate(principal, List.of("s3:ListBucket"), partition.s3Arn(layout.bucket(), null));
  }

  /**
   * Returns the ARN IAM simulates for a caller: a user's own, the role behind an assumed-role
   * session; null (with a warning) when there is nothing to simulate.
   */
  private String principal(String caller) {
    String[] parts = caller.split(":", 6);
    if (parts.length < 6) {
      warnings.add("the caller's ARN " + caller + " is not one IAM can simulate");
      return null;
    }
    String resource = parts[5];
    if (resource.equals("root")) {
      return null;
    }
    if (parts[2].equals("sts") && resource.startsWith("assumed-role/")) {
      String roleName = resource.split("/")[1];
      try {
        return clients.iam().getRole(b -> b.roleName(roleName)).role().arn();
      } catch (SdkException e) {
        warnings.add(
            "could not read the caller's role "
                + roleName
                + " (iam:GetRole) to check its permissions: "
                + e.getMessage());
        return null;
      }
    }
    return caller;
  }

  private void simulate(String principal, List<String> actions, String resource) {
    try {
      for (EvaluationResult result :
          clients
              .iam()
              .simulatePrincipalPolicy(
                  b -> b.policySourceArn(principal).actionNames(actions).resourceArns(resource))
              .evaluationResults()) {
        if (result.evalDecision() == PolicyEvaluationDecisionType.ALLOWED) {
          continue;
        }
        if (result.evalDecision() == PolicyEvaluationDecisionType.IMPLICIT_DENY
            && result.evalActionName().startsWith("s3:")) {
          // The simulation sees the caller's own policies only: the bucket's may grant it.
          warnings.add(
              "the caller "
                  + principal
                  + " has no policy of its own allowing "
                  + result.evalActionName()
                  + " on "
                  + resource
                  + ": the bucket's policy must allow it");
        } else {
          problems.add(
              "the caller "
                  + principal
                  + " may not "
                  + result.evalActionName()
                  + " on "
                  + resource
                  + " ("
                  + result.evalDecisionAsString()
                  + "): BENCHMARKS.md lists what a run needs");
        }
      }
    } catch (SdkException e) {
      warnings.add(
          "could not check the caller's IAM and S3 permissions (iam:SimulatePrincipalPolicy): "
              + firstLine(e.getMessage()));
      throw new Skip();
    }
  }

  /** Ends the simulation after the first call that could not be made. */
  private static final class Skip extends RuntimeException {
    Skip() {
      super(null, null, false, false);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
