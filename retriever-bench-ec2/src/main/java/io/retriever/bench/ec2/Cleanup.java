package io.retriever.bench.ec2;

import io.retriever.bench.ec2.internal.Resources;
import java.util.List;

/**
 * What {@link Ec2Bench#cleanup} found by tag and removed.
 *
 * <p>Thread safety: immutable.
 */
public final class Cleanup {
  private final Resources.Snapshot found;
  private final String bucket;
  private final List<String> failures;

  /**
   * @param found what was found, and then removed unless it is among the failures
   * @param bucket the bucket of the staged objects, or null when there are none
   * @param failures what could not be removed, one line each
   */
  Cleanup(Resources.Snapshot found, String bucket, List<String> failures) {
    this.found = found;
    this.bucket = bucket;
    this.failures = List.copyOf(failures);
  }

  /** Returns the instances terminated. */
  public List<String> instanceIds() {
    return found.instanceIds();
  }

  /** Returns the security groups deleted. */
  public List<String> securityGroupIds() {
    return found.securityGroupIds();
  }

  /** Returns the instance profiles deleted. */
  public List<String> instanceProfiles() {
    return found.instanceProfiles();
  }

  /** Returns the IAM roles deleted. */
  public List<String> roles() {
    return found.roles();
  }

  /** Returns the staged jar and signals deleted from S3, as {@code s3://bucket/key}. */
  public List<String> stagedObjects() {
    return found.stagedKeys().stream().map(k -> "s3://" + bucket + "/" + k).toList();
  }

  /** Returns what could not be removed, one line each. */
  public List<String> failures() {
    return failures;
  }

  /** Returns whether nothing was left over. */
  public boolean nothingFound() {
    return found.isEmpty();
  }

  @Override
  public String toString() {
    return "Cleanup[found=" + found + ", bucket=" + bucket + ", failures=" + failures + "]";
  }
}
