package io.retriever.bench.ec2.internal;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** The tags and names that mark what a run created, so that cleanup can find it again. */
public final class Tags {
  /** The tag whose value is the run id. */
  public static final String RUN = "retriever:run";

  /** The tag whose value is the instant (ISO-8601) after which the resource may be removed. */
  public static final String EXPIRES = "retriever:expires";

  /** The tag whose value is the run's results location, {@code s3://bucket/prefix/RUN/}. */
  public static final String RESULTS = "retriever:results";

  /** The prefix of every resource name, and the IAM path of the run's role and profile. */
  public static final String NAME_PREFIX = "retriever-bench-";

  /** The IAM path of the run's role and instance profile. */
  public static final String IAM_PATH = "/retriever-bench/";

  private Tags() {}

  /** Returns the name of the run's security group. */
  public static String name(String runId) {
    return NAME_PREFIX + runId;
  }

  /**
   * Returns the name of the role and instance profile of the run's {@code n}th instance type (from
   * 1): each type has its own, which may write only that type's results.
   */
  public static String roleName(String runId, int n) {
    return NAME_PREFIX + runId + "-" + n;
  }

  /** Returns an EC2 tag. */
  public static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  /** Returns the tags of a resource created with them: the run's, and {@code extra} if not null. */
  public static TagSpecification tagged(ResourceType type, List<Tag> tags, Tag extra) {
    List<Tag> all = new ArrayList<>(tags);
    if (extra != null) {
      all.add(extra);
    }
    return TagSpecification.builder().resourceType(type).tags(all).build();
  }
}
