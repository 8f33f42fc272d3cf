package io.retriever.bench.ec2.internal;

/** The tags and names that mark what a run created, so that cleanup can find it again. */
public final class Tags {
  /** The tag whose value is the run id. */
  public static final String RUN = "retriever:run";

  /** The tag whose value is the instant (ISO-8601) after which the resource may be removed. */
  public static final String EXPIRES = "retriever:expires";

  /** The prefix of every resource name, and the IAM path of the run's role and profile. */
  public static final String NAME_PREFIX = "retriever-bench-";

  /** The IAM path of the run's role and instance profile. */
  public static final String IAM_PATH = "/retriever-bench/";

  private Tags() {}

  /** Returns the name of the run's security group, role and instance profile. */
  public static String name(String runId) {
    return NAME_PREFIX + runId;
  }
}
