package io.retriever.bench.ec2;

import java.util.List;

/**
 * What {@link Ec2Bench#cleanup} found by tag and removed.
 *
 * @param instanceIds instances terminated
 * @param securityGroupIds security groups deleted
 * @param instanceProfiles instance profiles deleted
 * @param roles IAM roles deleted
 * @param stagedObjects the staged jar and signals deleted from S3
 * @param failures what could not be removed, one line each
 */
public record Cleanup(
    List<String> instanceIds,
    List<String> securityGroupIds,
    List<String> instanceProfiles,
    List<String> roles,
    List<String> stagedObjects,
    List<String> failures) {

  public Cleanup {
    instanceIds = List.copyOf(instanceIds);
    securityGroupIds = List.copyOf(securityGroupIds);
    instanceProfiles = List.copyOf(instanceProfiles);
    roles = List.copyOf(roles);
    stagedObjects = List.copyOf(stagedObjects);
    failures = List.copyOf(failures);
  }

  /** Returns whether nothing was left over. */
  public boolean nothingFound() {
    return instanceIds.isEmpty()
        && securityGroupIds.isEmpty()
        && instanceProfiles.isEmpty()
        && roles.isEmpty()
        && stagedObjects.isEmpty();
  }
}
