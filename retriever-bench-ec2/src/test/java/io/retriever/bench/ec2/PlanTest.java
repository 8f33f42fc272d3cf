package io.retriever.bench.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.RetrieverException;
import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.Discovery;
import io.retriever.testkit.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;

/** Discovery and the dry run: where each type can run, found without creating anything. */
class PlanTest {
  private static MotoServer moto;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    moto = Moto.shared();
  }

  private Ec2Bench.Builder bench(String region, Moto.Log log) throws Exception {
    Path jar = Files.writeString(dir.resolve("retriever.jar"), "jar");
    return Moto.bench(moto, region, log)
        .instanceTypes(List.of("m5n.2xlarge", "c6gn.8xlarge"))
        .source("s3://noaa-goes16/ABI-L1b-RadC/2024/001/00/")
        .results("s3://results/bench")
        .benchArguments(List.of("--impl", "retriever,tm-crt", "--runs", "5"))
        .jar(jar)
        .timeLimit(java.time.Duration.ofMinutes(60))
        .runId("plan-1");
  }

  @Test
  void plan_findsDefaultVpcZonesImagesAndNicRatings_andCreatesNothing() throws Exception {
    String region = "us-east-1";
    Moto.Log log = new Moto.Log();
    try (Clients clients = Moto.clients(moto, region);
        Ec2Bench bench = bench(region, log).build()) {
      Map<String, String> before = Moto.everything(clients);
      Plan plan = bench.plan();
      assertThat(Moto.everything(clients)).isEqualTo(before);

      String x86 =
          clients
              .ssm()
              .getParameter(b -> b.name(Discovery.AMI_PARAMETER + "x86_64"))
              .parameter()
              .value();
      String arm =
          clients
              .ssm()
              .getParameter(b -> b.name(Discovery.AMI_PARAMETER + "arm64"))
              .parameter()
              .value();
      InstancePlan m5n = plan.instances().get(0);
      assertThat(m5n.instanceType()).isEqualTo("m5n.2xlarge");
      assertThat(m5n.architecture()).isEqualTo("x86_64");
      assertThat(m5n.imageId()).isEqualTo(x86);
      assertThat(m5n.nicRating()).isEqualTo("Up to 25 Gigabit");
      assertThat(m5n.nicPeakGbps()).isEqualTo(25.0);
      assertThat(m5n.usdPerHour()).isPresent();
      InstancePlan c6gn = plan.instances().get(1);
      assertThat(c6gn.architecture()).isEqualTo("arm64");
      assertThat(c6gn.imageId()).isEqualTo(arm);
      String defaultVpc =
          clients
              .ec2()
              .describeVpcs(
                  b -> b.filters(Filter.builder().name("is-default").values("true").build()))
              .vpcs()
              .get(0)
              .vpcId();
      assertThat(plan.vpcId()).isEqualTo(defaultVpc);
      assertThat(plan.instances())
          .extracting(InstancePlan::instanceProfile)
          .containsExactly("retriever-bench-plan-1-1", "retriever-bench-plan-1-2");
      assertThat(plan.results()).isEqualTo("s3://results/bench/plan-1/");
      assertThat(plan.jar()).isEqualTo("s3://results/bench/plan-1/retriever.jar");
      assertThat(plan.maxCostUsd()).isGreaterThan(0);

      String text = String.join("\n", plan.describe());
      assertThat(text)
          .contains("m5n.2xlarge", "c6gn.8xlarge", x86, arm, m5n.subnets().get(0))
          .contains("no inbound rules", "no key pair", "60 min per type (given)")
          // One type at a time: the second instance waits for the first's turn.
          .contains("Cost: at most 3.25 instance hours")
          .contains("--impl retriever,tm-crt --runs 5");
    }
  }

  /**
   * Where each type downloads: instance storage when it has enough, else an EBS volume provisioned
   * for the NIC, or memory when asked, refused for a type that cannot hold the source.
   */
  @Test
  void plan_choosesInstanceStorageEbsOrMemory_andSaysWhich() throws Exception {
    String region = "us-east-1";
    try (Ec2Bench bench =
        bench(region, new Moto.Log())
            .instanceTypes(List.of("m5dn.2xlarge", "c6in.2xlarge"))
            .build()) {
      Plan plan = bench.plan();
      Storage local = plan.instances().get(0).storage();
      assertThat(local.kind()).isEqualTo(Storage.Kind.INSTANCE_STORE);
      assertThat(local.sizeGib()).isEqualTo(300);
      Storage ebs = plan.instances().get(1).storage();
      assertThat(ebs.kind()).isEqualTo(Storage.Kind.EBS);
      // c6in.2xlarge: a 12.5 Gbit/s baseline, more than gp3 gives.
      assertThat(ebs.throughputMibps()).isEqualTo(1000);
      assertThat(ebs.iops()).isEqualTo(4000);
      assertThat(String.join("\n", plan.describe()))
          .contains("downloads to instance storage (300 GB NVMe)")
          .contains("downloads to EBS gp3 ")
          .contains("may cap the figure below the NIC's baseline (--to memory avoids it)");
    }
    try (Ec2Bench bench =
        bench(region, new Moto.Log())
            .instanceTypes(List.of("c6in.2xlarge", "t3.micro"))
            .toMemory(true)
            .build()) {
      Plan plan = bench.plan();
      assertThat(plan.instances())
          .allSatisfy(i -> assertThat(i.storage().kind()).isEqualTo(Storage.Kind.MEMORY));
      assertThat(plan.problems())
          .anyMatch(p -> p.startsWith("t3.micro has 1 GiB of memory, too little to hold"));
    }
  }

  /** The cost BENCHMARKS.md states for its example: the table's prices, --time-limit 40. */
  @Test
  void plan_statesTheHighestCost_eachInstanceUntilItPowersOff() throws Exception {
    try (Ec2Bench bench =
        bench("us-east-1", new Moto.Log())
            .instanceTypes(List.of("m5n.2xlarge", "c6in.2xlarge", "c7gn.8xlarge"))
            .timeLimit(java.time.Duration.ofMinutes(40))
            .build()) {
      Plan plan = bench.plan();
      assertThat(plan.instances())
          .allSatisfy(i -> assertThat(i.priceSource()).startsWith("table of 2024-06-01"));
      assertThat(plan.powerOffAfter(0)).hasMinutes(45);
      assertThat(plan.powerOffAfter(2)).hasMinutes(135);
      assertThat(String.join("\n", plan.describe()))
          .contains("Cost: at most 4.50 instance hours, $5.53 On-Demand");
    }
  }

  @Test
  void timeLimit_byDefault_followsTheSourceAndTheSlowestNic() {
    // 100 GiB, 12 downloads, at a quarter of an 8.125 Gbit/s baseline: 5,075 s, plus 10 min.
    assertThat(Ec2Bench.derivedTimeLimit(100L << 30, 12, 8.125)).hasMinutes(95);
    assertThat(Ec2Bench.derivedTimeLimit(1 << 20, 1, 25)).hasMinutes(15);
  }

  @Test
  void plan_skipsZonesThatDoNotOfferTheType() throws Exception {
    String region = "us-east-1";
    try (Clients clients = Moto.clients(moto, region);
        Ec2Bench bench = bench(region, new Moto.Log()).build()) {
      List<String> offered =
          clients
              .ec2()
              .describeInstanceTypeOfferings(
                  b ->
                      b.locationType("availability-zone")
                          .filters(
                              Filter.builder().name("instance-type").values("m5n.2xlarge").build()))
              .instanceTypeOfferings()
              .stream()
              .map(o -> o.location())
              .toList();
      List<String> zones =
          clients.ec2().describeSubnets().subnets().stream().map(Subnet::availabilityZone).toList();
      assertThat(zones)
          .as("moto has a zone without m5n.2xlarge")
          .isNotEmpty()
          .anyMatch(z -> !offered.contains(z));

      InstancePlan m5n = bench.plan().instances().get(0);
      assertThat(offered).containsAll(m5n.zones());
      assertThat(m5n.zones()).hasSize((int) zones.stream().filter(offered::contains).count());
    }
  }

  @Test
  void plan_withSubnetInZoneNotOfferingTheType_namesTheZoneAndSubnet() throws Exception {
    String region = "us-east-1";
    try (Clients clients = Moto.clients(moto, region)) {
      List<String> offered =
          clients
              .ec2()
              .describeInstanceTypeOfferings(
                  b ->
                      b.locationType("availability-zone")
                          .filters(
                              Filter.builder().name("instance-type").values("m5n.2xlarge").build()))
              .instanceTypeOfferings()
              .stream()
              .map(o -> o.location())
              .toList();
      Subnet elsewhere =
          clients.ec2().describeSubnets().subnets().stream()
              .filter(s -> !offered.contains(s.availabilityZone()))
              .findFirst()
              .orElseThrow();
      try (Ec2Bench bench = bench(region, new Moto.Log()).subnet(elsewhere.subnetId()).build()) {
        assertThatThrownBy(bench::plan)
            .isInstanceOf(RetrieverException.class)
            .hasMessageContaining("m5n.2xlarge is not offered in " + elsewhere.availabilityZone())
            .hasMessageContaining(elsewhere.subnetId())
            .hasMessageContaining("--subnet");
      }
    }
  }

  @Test
  void plan_withoutDefaultVpc_asksForSubnet_andWorksWithOne() throws Exception {
    String region = "eu-west-3";
    try (Clients clients = Moto.clients(moto, region)) {
      String vpc =
          clients
              .ec2()
              .describeVpcs(
                  b -> b.filters(Filter.builder().name("is-default").values("true").build()))
              .vpcs()
              .get(0)
              .vpcId();
      for (Subnet s :
          clients
              .ec2()
              .describeSubnets(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build()))
              .subnets()) {
        clients.ec2().deleteSubnet(b -> b.subnetId(s.subnetId()));
      }
      clients
          .ec2()
          .describeInternetGateways(
              b -> b.filters(Filter.builder().name("attachment.vpc-id").values(vpc).build()))
          .internetGateways()
          .forEach(
              g -> {
                clients
                    .ec2()
                    .detachInternetGateway(
                        b -> b.internetGatewayId(g.internetGatewayId()).vpcId(vpc));
                clients
                    .ec2()
                    .deleteInternetGateway(b -> b.internetGatewayId(g.internetGatewayId()));
              });
      clients.ec2().deleteVpc(b -> b.vpcId(vpc));

      try (Ec2Bench bench = bench(region, new Moto.Log()).build()) {
        assertThatThrownBy(bench::plan)
            .isInstanceOf(RetrieverException.class)
            .hasMessageContaining("no default VPC in " + region)
            .hasMessageContaining("--subnet");
      }

      String own = clients.ec2().createVpc(b -> b.cidrBlock("10.1.0.0/16")).vpc().vpcId();
      String subnet =
          clients
              .ec2()
              .createSubnet(
                  b -> b.vpcId(own).cidrBlock("10.1.1.0/24").availabilityZone(region + "a"))
              .subnet()
              .subnetId();
      try (Ec2Bench bench =
          bench(region, new Moto.Log()).instanceTypes(List.of("m5.large")).subnet(subnet).build()) {
        Plan plan = bench.plan();
        assertThat(plan.vpcId()).isEqualTo(own);
        assertThat(plan.instances().get(0).subnets()).containsExactly(subnet);
      }
    }
  }
}
