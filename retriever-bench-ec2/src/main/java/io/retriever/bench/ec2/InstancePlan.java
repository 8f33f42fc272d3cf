package io.retriever.bench.ec2;

import java.util.List;
import java.util.OptionalDouble;

/**
 * One instance of a run, as discovered before anything is created.
 *
 * @param instanceType the instance type, e.g. {@code m5n.2xlarge}
 * @param architecture {@code x86_64} or {@code arm64}
 * @param imageId the current Amazon Linux 2023 AMI for the architecture
 * @param subnets the subnets to launch in, first choice first: each in a zone that offers the type
 *     (the next is tried when a zone has no capacity)
 * @param zones the availability zone of each subnet, in the same order
 * @param vcpus the type's default vCPUs
 * @param memoryMib the type's memory
 * @param nicRating the network performance as EC2 states it, e.g. {@code Up to 25 Gigabit}
 * @param nicBaselineGbps the sustained bandwidth of the first network card, or 0 if unknown
 * @param nicPeakGbps the peak bandwidth of the first network card, or 0 if unknown
 * @param storage where the instance's downloads land
 * @param usdPerHour the On-Demand price per hour, if known
 * @param priceSource where the price comes from: the Price List API, or the module's dated table
 * @param instanceProfile the instance profile the instance runs with
 */
public record InstancePlan(
    String instanceType,
    String architecture,
    String imageId,
    List<String> subnets,
    List<String> zones,
    int vcpus,
    long memoryMib,
    String nicRating,
    double nicBaselineGbps,
    double nicPeakGbps,
    Storage storage,
    OptionalDouble usdPerHour,
    String priceSource,
    String instanceProfile) {

  public InstancePlan {
    subnets = List.copyOf(subnets);
    zones = List.copyOf(zones);
    if (subnets.isEmpty() || subnets.size() != zones.size()) {
      throw new IllegalArgumentException("each subnet needs its zone, and one at least");
    }
  }

  /** Returns a copy that runs with another instance profile. */
  InstancePlan withInstanceProfile(String profile) {
    return new InstancePlan(
        instanceType,
        architecture,
        imageId,
        subnets,
        zones,
        vcpus,
        memoryMib,
        nicRating,
        nicBaselineGbps,
        nicPeakGbps,
        storage,
        usdPerHour,
        priceSource,
        profile);
  }
}
