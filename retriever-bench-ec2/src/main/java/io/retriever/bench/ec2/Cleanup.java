package io.retriever.bench.ec2;

import java.util.List;

/**
 * What {@link Ec2Bench#cleanup} removed of the runs it was given.
 *
 * <p>Thread safety: immutable.
 */
public final class Cleanup {
  private final List<LeftoverRun> runs;
  private final List<String> failures;

  /**
   * @param runs what was to be removed, and then was unless it is among the failures
   * @param failures what could not be removed, one line each
   */
  Cleanup(List<LeftoverRun> runs, List<String> failures) {
    this.runs = List.copyOf(runs);
    this.failures = List.copyOf(failures);
  }

  /** Returns the runs whose leftovers were removed. */
  public List<LeftoverRun> runs() {
    return runs;
  }

  /** Returns the instances terminated. */
  public List<String> instanceIds() {
    return runs.stream().flatMap(r -> r.instanceIds().stream()).toList();
  }

  /** Returns the security groups deleted. */
  public List<String> securityGroupIds() {
    return runs.stream().flatMap(r -> r.securityGroupIds().stream()).toList();
  }

  /** Returns the instance profiles deleted. */
  public List<String> instanceProfiles() {
    return runs.stream().flatMap(r -> r.instanceProfiles().stream()).toList();
  }

  /** Returns the IAM roles deleted. */
  public List<String> roles() {
    return runs.stream().flatMap(r -> r.roles().stream()).toList();
  }

  /** Returns the staged jar and signals deleted from S3, as {@code s3://bucket/key}. */
  public List<String> stagedObjects() {
    return runs.stream().flatMap(r -> r.stagedObjects().stream()).toList();
  }

  /** Returns what could not be removed, one line each. */
  public List<String> failures() {
    return failures;
  }

  /** Returns whether nothing was left over. */
  public boolean nothingFound() {
    return runs.stream().allMatch(r -> r.resources().isEmpty());
  }

  @Override
  public String toString() {
    return "Cleanup[runs=" + runs + ", failures=" + failures + "]";
  }
}
