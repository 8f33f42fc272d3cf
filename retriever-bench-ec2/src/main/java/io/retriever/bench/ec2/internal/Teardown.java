package io.retriever.bench.ec2.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.iam.model.DeleteConflictException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * Removes what a run created, in dependency order: terminates the instances and waits until they
 * are gone (a security group in use cannot be deleted), then deletes the security groups; the
 * roles' policies, the roles' places in instance profiles, the instance profiles, the roles; and
 * the staged objects. IAM is eventually consistent, so a deletion it refuses as in conflict is
 * looked at again and retried, a bounded number of times. Every step is tried even if an earlier
 * one failed; what could not be removed is returned.
 */
public final class Teardown {
  /** How often a deletion IAM refuses as in conflict is tried. */
  static final int IAM_ATTEMPTS = 8;

  /** The longest wait between two of those tries. */
  static final Duration IAM_MAX_BACKOFF = Duration.ofSeconds(10);

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
    // IAM in dependency order: a role's policies, its place in instance profiles, the
    // profiles, then the role.
    for (String role : resources.roles()) {
      iam("policies of role " + role, failures, () -> deletePolicies(role));
    }
    for (String profile : resources.instanceProfiles()) {
      iam("instance profile " + profile, failures, () -> deleteInstanceProfile(profile));
    }
    for (String role : resources.roles()) {
      iam("role " + role, failures, () -> deleteRole(role));
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

  /** Deletes one IAM resource: already gone counts as deleted, a failure is noted. */
  private void iam(String what, List<String> failures, IamStep step) {
    try {
      step.run();
    } catch (NoSuchEntityException e) {
      // Already gone.
    } catch (SdkException e) {
      failures.add(what + ": " + e.getMessage());
    } catch (InterruptedException e) {
      failures.add(what + ": interrupted");
      Thread.currentThread().interrupt();
    }
  }

  @FunctionalInterface
  private interface IamStep {
    void run() throws InterruptedException;
  }

  private void deletePolicies(String role) {
    for (String policy : clients.iam().listRolePolicies(b -> b.roleName(role)).policyNames()) {
      clients.iam().deleteRolePolicy(b -> b.roleName(role).policyName(policy));
    }
  }

  private void deleteInstanceProfile(String profile) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
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
      try {
        clients.iam().deleteInstanceProfile(b -> b.instanceProfileName(profile));
        log.println("Deleted instance profile " + profile);
        return;
      } catch (DeleteConflictException e) {
        // A role added a moment ago, or IAM still shows the one just removed: look again.
        backOff(attempt, e);
      }
    }
  }

  private void deleteRole(String role) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      deletePolicies(role);
      for (var profile :
          clients.iam().listInstanceProfilesForRole(b -> b.roleName(role)).instanceProfiles()) {
        clients
            .iam()
            .removeRoleFromInstanceProfile(
                b -> b.instanceProfileName(profile.instanceProfileName()).roleName(role));
      }
      try {
        clients.iam().deleteRole(b -> b.roleName(role));
        log.println("Deleted role " + role);
        return;
      } catch (DeleteConflictException e) {
        // IAM is eventually consistent: a policy put or removed a moment ago may show late.
        backOff(attempt, e);
      }
    }
  }

  /** Waits before the next attempt, longer each time; rethrows after the last. */
  private void backOff(int attempt, DeleteConflictException e) throws InterruptedException {
    if (attempt >= IAM_ATTEMPTS) {
      throw e;
    }
    long millis = Math.min(IAM_MAX_BACKOFF.toMillis(), poll.toMillis() << (attempt - 1));
    Thread.sleep(Math.max(1, millis));
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
