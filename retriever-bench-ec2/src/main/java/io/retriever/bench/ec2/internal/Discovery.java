package io.retriever.bench.ec2.internal;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.bench.ec2.InstancePlan;
import io.retriever.bench.ec2.Storage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InstanceStorageInfo;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.InstanceTypeOffering;
import software.amazon.awssdk.services.ec2.model.LocationType;
import software.amazon.awssdk.services.ec2.model.NetworkCardInfo;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Finds, without creating anything, where and on what each instance type runs: the VPC (the default
 * one, or the given subnet's), subnets in zones that offer the type, the current Amazon Linux AMI
 * for its architecture, and its network rating.
 *
 * <p>Thread safety: none needed; one discovery runs at a time.
 */
public final class Discovery {
  /** The SSM public parameter of the current Amazon Linux 2023 AMI, without its architecture. */
  public static final String AMI_PARAMETER =
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-";

  private final Ec2Client ec2;
  private final SsmClient ssm;
  private final String region;

  public Discovery(Ec2Client ec2, SsmClient ssm, String region) {
    this.ec2 = ec2;
    this.ssm = ssm;
    this.region = region;
  }

  /** The VPC and the subnets to choose from, ordered by zone. */
  public record Network(String vpcId, List<Subnet> subnets, boolean given) {}

  /**
   * Returns the given subnet and its VPC, or the default VPC and its subnets.
   *
   * @throws RetrieverException (INVALID) when there is no default VPC and no subnet is given
   */
  public Network network(String subnetId) {
    if (subnetId != null) {
      List<Subnet> subnets;
      try {
        subnets = ec2.describeSubnets(b -> b.subnetIds(subnetId)).subnets();
      } catch (Ec2Exception e) {
        throw new RetrieverException(
            Reason.INVALID, "subnet " + subnetId + " is not in " + region + ": " + message(e), e);
      }
      if (subnets.isEmpty()) {
        throw new RetrieverException(Reason.INVALID, "subnet " + subnetId + " is not in " + region);
      }
      return new Network(subnets.get(0).vpcId(), subnets, true);
    }
    List<Vpc> vpcs = ec2.describeVpcs(b -> b.filters(filter("is-default", "true"))).vpcs();
    if (vpcs.isEmpty()) {
      throw new RetrieverException(
          Reason.INVALID,
          "there is no default VPC in "
              + region
              + ": pass --subnet SUBNET_ID, a subnet whose instances reach S3 (public IP or"
              + " gateway endpoint)");
    }
    String vpcId = vpcs.get(0).vpcId();
    List<Subnet> subnets =
        new ArrayList<>(ec2.describeSubnets(b -> b.filters(filter("vpc-id", vpcId))).subnets());
    subnets.sort(Comparator.comparing(Subnet::availabilityZone).thenComparing(Subnet::subnetId));
    if (subnets.isEmpty()) {
      throw new RetrieverException(
          Reason.INVALID,
          "the default VPC " + vpcId + " in " + region + " has no subnet: pass --subnet SUBNET_ID");
    }
    return new Network(vpcId, subnets, false);
  }

  /**
   * Returns the plan of each instance type, in the order given, with where its downloads of {@code
   * sourceBytes} land and its price.
   *
   * @throws RetrieverException (INVALID) for a type EC2 does not know, or one that no usable zone
   *     offers
   */
  public List<InstancePlan> instances(
      List<String> instanceTypes,
      Network network,
      long sourceBytes,
      boolean toMemory,
      PriceList prices) {
    Set<String> types = new LinkedHashSet<>(instanceTypes);
    Map<String, InstanceTypeInfo> infos = new HashMap<>();
    try {
      ec2.describeInstanceTypesPaginator(b -> b.instanceTypesWithStrings(types))
          .instanceTypes()
          .forEach(info -> infos.put(info.instanceTypeAsString(), info));
    } catch (Ec2Exception e) {
      throw new RetrieverException(
          Reason.INVALID,
          "EC2 in " + region + " does not know every type of " + types + ": " + message(e),
          e);
    }
    Map<String, Set<String>> zonesOffering = new HashMap<>();
    for (InstanceTypeOffering offering :
        ec2.describeInstanceTypeOfferingsPaginator(
                b ->
                    b.locationType(LocationType.AVAILABILITY_ZONE)
                        .filters(filter("instance-type", types.toArray(String[]::new))))
            .instanceTypeOfferings()) {
      zonesOffering
          .computeIfAbsent(offering.instanceTypeAsString(), t -> new HashSet<>())
          .add(offering.location());
    }
    Map<String, String> images = new HashMap<>();
    List<InstancePlan> plans = new ArrayList<>();
    for (String type : types) {
      InstanceTypeInfo info = infos.get(type);
      if (info == null) {
        throw new RetrieverException(
            Reason.INVALID, "EC2 in " + region + " has no instance type " + type);
      }
      Set<String> offered = zonesOffering.getOrDefault(type, Set.of());
      List<String> subnets = new ArrayList<>();
      List<String> zones = new ArrayList<>();
      for (Subnet subnet : network.subnets()) {
        if (offered.contains(subnet.availabilityZone())) {
          subnets.add(subnet.subnetId());
          zones.add(subnet.availabilityZone());
        }
      }
      if (subnets.isEmpty()) {
        throw new RetrieverException(
            Reason.INVALID,
            offered.isEmpty()
                ? type + " is not offered in any zone of " + region
                : network.given()
                    ? type
                        + " is not offered in "
                        + network.subnets().get(0).availabilityZone()
                        + ", the zone of subnet "
                        + network.subnets().get(0).subnetId()
                        + ": pass a --subnet in one of "
                        + new java.util.TreeSet<>(offered)
                    : type
                        + " is not offered in any zone of VPC "
                        + network.vpcId()
                        + " in "
                        + region);
      }
      String architecture = architecture(info);
      String image = images.computeIfAbsent(architecture, this::image);
      NetworkCardInfo card =
          info.networkInfo().networkCards().isEmpty()
              ? null
              : info.networkInfo().networkCards().get(0);
      double baseline =
          card == null || card.baselineBandwidthInGbps() == null
              ? 0
              : card.baselineBandwidthInGbps();
      PriceList.Price price = prices.price(type);
      plans.add(
          new InstancePlan(
              type,
              architecture,
              image,
              subnets,
              zones,
              info.vCpuInfo() == null ? 0 : info.vCpuInfo().defaultVCpus(),
              info.memoryInfo() == null ? 0 : info.memoryInfo().sizeInMiB(),
              info.networkInfo().networkPerformance(),
              baseline,
              card == null || card.peakBandwidthInGbps() == null ? 0 : card.peakBandwidthInGbps(),
              storage(info, sourceBytes, toMemory, baseline),
              price.usdPerHour(),
              price.source(),
              null));
    }
    return plans;
  }

  /**
   * Returns where the type's downloads land: memory when asked; else its instance storage when it
   * holds the data with a margin; else an EBS volume provisioned for it.
   */
  private static Storage storage(
      InstanceTypeInfo info, long sourceBytes, boolean toMemory, double nicGbps) {
    if (toMemory) {
      return Storage.memory(sourceBytes);
    }
    double gib = sourceBytes / (double) (1L << 30);
    InstanceStorageInfo local = info.instanceStorageInfo();
    if (Boolean.TRUE.equals(info.instanceStorageSupported())
        && local != null
        && local.totalSizeInGB() != null
        && local.totalSizeInGB() >= gib * 1.1 + 1) {
      int disks = local.disks().stream().mapToInt(d -> d.count() == null ? 1 : d.count()).sum();
      return new Storage(
          Storage.Kind.INSTANCE_STORE, local.totalSizeInGB().intValue(), disks, 0, 0);
    }
    double ebsMax =
        info.ebsInfo() == null
                || info.ebsInfo().ebsOptimizedInfo() == null
                || info.ebsInfo().ebsOptimizedInfo().maximumThroughputInMBps() == null
            ? 0
            // EC2 states MB/s; the volume's throughput is in MiB/s.
            : info.ebsInfo().ebsOptimizedInfo().maximumThroughputInMBps() * 1e6 / (1 << 20);
    return Storage.ebs(sourceBytes, nicGbps, ebsMax);
  }

  private static String architecture(InstanceTypeInfo info) {
    List<String> supported = info.processorInfo().supportedArchitecturesAsStrings();
    if (supported.contains("x86_64")) {
      return "x86_64";
    }
    if (supported.contains("arm64")) {
      return "arm64";
    }
    throw new RetrieverException(
        Reason.INVALID,
        info.instanceTypeAsString() + " runs neither x86_64 nor arm64 but " + supported);
  }

  private String image(String architecture) {
    String name = AMI_PARAMETER + architecture;
    return ssm.getParameter(b -> b.name(name)).parameter().value();
  }

  private static Filter filter(String name, String... values) {
    return Filter.builder().name(name).values(values).build();
  }

  private static String message(Ec2Exception e) {
    return e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
  }
}
