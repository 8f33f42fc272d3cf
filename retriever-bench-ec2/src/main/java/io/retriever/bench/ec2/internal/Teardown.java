package io.retriever.bench.ec2.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * Removes what a run created, in dependency order: terminates the instances and waits until they
 * are gone (a security group in use cannot be deleted), then deletes the security groups, the
 * instance profiles, the roles and the staged objects. Every step is tried even if an earlier one
 * failed; what could not be removed is returned.
 */
public final class Teardown {
  private final Clients clients;
  private final String bucket;
  private final Duration wait;
  private final Duration poll;
  private final PrintStream log;

  /**
   * @param bucket the bucket of the staged objects, or null when there are none
   * @param wait the longest wait for the instances to terminate
   */
  public Teardown(Clients clients, String bucket, Duration wait, Duration poll, PrintStream log) {
    this.clients = clients;
    this.bucket = bucket;
    this.wait = wait;
    this.poll = poll;
    this.log = log;
  }

  /** Removes everything of the snapshot and returns what could not be removed, one line each. */
  public List<String> remove(Resources.Snapshot resources) {
    List<String> failures = new ArrayList<>();
    if (!resources.instanceIds().isEmpty()) {
      try {
        clients.ec2().terminateInstances(b -> b.instanceIds(resources.instanceIds()));
        log.println("Terminating " + String.join(", ", resources.instanceIds()));
        awaitTerminated(resources.instanceIds());
      } catch (RuntimeException | InterruptedException e) {
        failures.add("instances " + resources.instanceIds() + ": " + e.getMessage());
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
    }
    for (String group : resources.securityGroupIds()) {
      try {
        deleteSecurityGroup(group);
        log.println("Deleted security group " + group);
      } catch (SdkException e) {
        failures.add("security group " + group + ": " + e.getMessage());
      } catch (InterruptedException e) {
        failures.add("security group " + group + ": interrupted");
        Thread.currentThread().interrupt();
      }
    }
    for (String profile : resources.instanceProfiles()) {
      try {
        for (var role :
            clients
                .iam()
                .getInstanceProfile(b -> b.instanceProfileName(profile))
                .instanceProfile()
                .roles()) {
          clients
              .iam()
              .removeRoleFromInstanceProfile(
                  b -> b.instanceProfileName(profile).roleName(role.roleName()));
        }
        clients.iam().deleteInstanceProfile(b -> b.instanceProfileName(profile));
        log.println("Deleted instance profile " + profile);
      } catch (NoSuchEntityException e) {
        // Already gone.
      } catch (SdkException e) {
        failures.add("instance profile " + profile + ": " + e.getMessage());
      }
    }
    for (String role : resources.roles()) {
      try {
        for (String policy : clients.iam().listRolePolicies(b -> b.roleName(role)).policyNames()) {
          clients.iam().deleteRolePolicy(b -> b.roleName(role).policyName(policy));
        }
        clients.iam().deleteRole(b -> b.roleName(role));
        log.println("Deleted role " + role);
      } catch (NoSuchEntityException e) {
        // Already gone.
      } catch (SdkException e) {
        failures.add("role " + role + ": " + e.getMessage());
      }
    }
    for (String key : resources.stagedKeys()) {
      try {
        clients.s3().deleteObject(b -> b.bucket(bucket).key(key));
      } catch (SdkException e) {
        failures.add("s3://" + bucket + "/" + key + ": " + e.getMessage());
      }
    }
    return failures;
  }

  private void awaitTerminated(List<String> ids) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      List<String> running = new ArrayList<>();
      for (var reservation :
          clients
              .ec2()
              .describeInstances(
                  b -> b.filters(Filter.builder().name("instance-id").values(ids).build()))
              .reservations()) {
        for (Instance instance : reservation.instances()) {
          if (instance.state().name() != InstanceStateName.TERMINATED) {
            running.add(instance.instanceId());
          }
        }
      }
      if (running.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "instances not terminated after " + wait.toSeconds() + " s: " + running);
      }
      Thread.sleep(poll.toMillis());
    }
  }

  private void deleteSecurityGroup(String group) throws InterruptedException {
    // Right after its instances terminate, EC2 may still count the group as in use for a while.
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      try {
        clients.ec2().deleteSecurityGroup(b -> b.groupId(group));
        return;
      } catch (software.amazon.awssdk.services.ec2.model.Ec2Exception e) {
        String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
        if (code.equals("InvalidGroup.NotFound")) {
          return;
        }
        if (!code.equals("DependencyViolation") || System.nanoTime() > deadline) {
          throw e;
        }
      }
      Thread.sleep(poll.toMillis());
    }
  }
}
