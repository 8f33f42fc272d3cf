package io.retriever.bench.ec2;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;

/**
 * Fails RunInstances as EC2 does when a zone has no capacity, which moto never does: for the listed
 * instance types in every subnet, or for the listed subnets whatever the type.
 */
final class FailingLaunches implements ExecutionInterceptor {
  private final Set<String> types;
  private final Set<String> subnets;
  final Set<String> refused = ConcurrentHashMap.newKeySet();

  FailingLaunches(Set<String> types, Set<String> subnets) {
    this.types = Set.copyOf(types);
    this.subnets = Set.copyOf(subnets);
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    // EC2 does not look for capacity in a dry run.
    if (context.request() instanceof RunInstancesRequest run
        && !Boolean.TRUE.equals(run.dryRun())
        && (types.contains(run.instanceTypeAsString()) || subnets.contains(run.subnetId()))) {
      refused.add(run.instanceTypeAsString() + " in " + run.subnetId());
      throw Ec2Exception.builder()
          .statusCode(500)
          .message("We currently do not have sufficient capacity in the Availability Zone")
          .awsErrorDetails(
              AwsErrorDetails.builder()
                  .errorCode("InsufficientInstanceCapacity")
                  .errorMessage(
                      "We currently do not have sufficient "
                          + run.instanceTypeAsString()
                          + " capacity in the Availability Zone you requested")
                  .serviceName("EC2")
                  .build())
          .build();
    }
  }
}
