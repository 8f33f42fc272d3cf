package io.retriever.bench.ec2;

import io.retriever.bench.ec2.internal.Resources;
import java.time.Instant;
import java.util.List;

/**
 * What one run left in the account, found by its tags: whether it may still be in progress (its
 * {@code retriever:expires} tag has not passed) and what removing it would remove.
 *
 * <p>Thread safety: immutable.
 */
public final class LeftoverRun {
  private final String runId;
  private final Instant expires;
  private final Resources.Snapshot resources;
  private final String bucket;

  /**
   * @param expires the latest expiry its resources carry, or null when none carries one
   * @param bucket the bucket of the staged objects, or null when there are none
   */
  LeftoverRun(String runId, Instant expires, Resources.Snapshot resources, String bucket) {
    this.runId = runId;
    this.expires = expires;
    this.resources = resources;
    this.bucket = bucket;
  }

  public String runId() {
    return runId;
  }

  /** Returns when the run counts as over, or null when its resources do not say. */
  public Instant expires() {
    return expires;
  }

  /** Returns whether the run's time is up: only then is it removed without being named. */
  public boolean expired(Instant now) {
    return expires != null && expires.isBefore(now);
  }

  public List<String> instanceIds() {
    return resources.instanceIds();
  }

  public List<String> securityGroupIds() {
    return resources.securityGroupIds();
  }

  public List<String> instanceProfiles() {
    return resources.instanceProfiles();
  }

  public List<String> roles() {
    return resources.roles();
  }

  /** Returns the staged jar and signals, as {@code s3://bucket/key}. */
  public List<String> stagedObjects() {
    return resources.stagedKeys().stream().map(k -> "s3://" + bucket + "/" + k).toList();
  }

  Resources.Snapshot resources() {
    return resources;
  }

  String bucket() {
    return bucket;
  }

  /** Returns a line for a person: the run, its expiry and what it left. */
  public String describe(Instant now) {
    return runId
        + "  "
        + (expires == null
            ? "no expiry tag (remove it by naming it: --run " + runId + ")"
            : expired(now) ? "expired " + expires : "in progress, expires " + expires)
        + ": "
        + count(instanceIds().size(), "instance")
        + ", "
        + count(securityGroupIds().size(), "security group")
        + ", "
        + count(instanceProfiles().size(), "instance profile")
        + ", "
        + count(roles().size(), "role")
        + ", "
        + count(stagedObjects().size(), "staged object");
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  @Override
  public String toString() {
    return "LeftoverRun[" + runId + ", expires=" + expires + ", " + resources + "]";
  }
}
