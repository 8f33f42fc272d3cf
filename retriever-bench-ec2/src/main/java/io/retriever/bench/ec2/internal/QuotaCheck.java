package io.retriever.bench.ec2.internal;

import io.retriever.bench.ec2.InstancePlan;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;

/**
 * Checks that the account's vCPU quotas for On-Demand instances leave room for the run: every
 * instance of a run is up at once, so the run needs the vCPUs of all its types of a quota's family
 * beside those already running.
 *
 * <p>Thread safety: confined to one thread.
 */
public final class QuotaCheck {
  /** Reads the value of a quota of EC2 by its code, e.g. {@code L-1216C47A}. */
  @FunctionalInterface
  public interface Lookup {
    double value(String quotaCode);
  }

  /** A vCPU quota of On-Demand instances, and what it is called in Service Quotas. */
  record Quota(String code, String name) {}

  private static final Quota STANDARD =
      new Quota("L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances");

  private final Ec2Client ec2;
  private final Lookup lookup;
  private final String region;
  private final List<String> problems;
  private final List<String> warnings;

  public QuotaCheck(
      Ec2Client ec2, Lookup lookup, String region, List<String> problems, List<String> warnings) {
    this.ec2 = ec2;
    this.lookup = lookup;
    this.region = region;
    this.problems = problems;
    this.warnings = warnings;
  }

  /** Returns the Service Quotas lookup of the region, at {@code endpoint} when one is given. */
  public static Lookup serviceQuotas(Clients clients, String region, URI endpoint) {
    Partition partition = Partition.of(region);
    AwsJson api =
        new AwsJson(
            clients.http(),
            clients.credentials(),
            endpoint != null ? endpoint : URI.create(partition.endpoint("servicequotas", region)),
            "servicequotas",
            region,
            "ServiceQuotasV20190624");
    return code ->
        api.call(
                "GetServiceQuota",
                AwsJson.object().put("ServiceCode", "ec2").put("QuotaCode", code))
            .path("Quota")
            .path("Value")
            .asDouble();
  }

  /**
   * Returns the quota that counts an instance type's vCPUs, or null for a family these checks do
   * not know.
   */
  static Quota quotaOf(String instanceType) {
    String family = instanceType.split("[.]")[0].toLowerCase(Locale.ROOT);
    String letters = family.replaceAll("[^a-z].*", "");
    if (letters.startsWith("inf")) {
      return new Quota("L-1945791B", "Running On-Demand Inf instances");
    }
    if (letters.startsWith("vt") || letters.startsWith("g")) {
      return new Quota("L-DB2E81BA", "Running On-Demand G and VT instances");
    }
    if (letters.startsWith("dl")
        || letters.startsWith("trn")
        || letters.startsWith("hpc")
        || letters.startsWith("mac")
        || letters.startsWith("u")) {
      return null;
    }
    return switch (letters.charAt(0)) {
      case 'a', 'c', 'd', 'h', 'i', 'm', 'r', 't', 'z' -> STANDARD;
      case 'p' -> new Quota("L-417A185B", "Running On-Demand P instances");
      case 'x' -> new Quota("L-7295265B", "Running On-Demand X instances");
      case 'f' -> new Quota("L-74FC7D96", "Running On-Demand F instances");
      default -> null;
    };
  }

  /** Adds a problem for each quota the run would exceed. */
  public void check(List<InstancePlan> instances) {
    Map<Quota, Integer> needed = new LinkedHashMap<>();
    for (InstancePlan i : instances) {
      Quota quota = quotaOf(i.instanceType());
      if (quota == null) {
        warnings.add("no vCPU quota known for " + i.instanceType() + ": not checked");
        continue;
      }
      needed.merge(quota, i.vcpus(), Integer::sum);
    }
    if (needed.isEmpty()) {
      return;
    }
    Map<Quota, Integer> used;
    try {
      used = inUse();
    } catch (SdkException e) {
      warnings.add("could not count the running instances' vCPUs: " + e.getMessage());
      return;
    }
    for (Map.Entry<Quota, Integer> need : needed.entrySet()) {
      Quota quota = need.getKey();
      double limit;
      try {
        limit = lookup.value(quota.code());
      } catch (RuntimeException e) {
        warnings.add(
            "could not read the vCPU quota "
                + quota.code()
                + " ("
                + quota.name()
                + ") in "
                + region
                + ": "
                + e.getMessage());
        continue;
      }
      int inUse = used.getOrDefault(quota, 0);
      if (inUse + need.getValue() > limit) {
        problems.add(
            String.format(
                Locale.ROOT,
                "vCPU quota %s (%s) in %s is %.0f; %d are in use and the run needs %d more: ask"
                    + " for more in Service Quotas, or choose fewer or smaller types",
                quota.code(),
                quota.name(),
                region,
                limit,
                inUse,
                need.getValue()));
      }
    }
  }

  /** Returns the vCPUs of the On-Demand instances running now, by quota. */
  private Map<Quota, Integer> inUse() {
    List<Instance> running = new ArrayList<>();
    ec2.describeInstancesPaginator(
            b ->
                b.filters(
                    Filter.builder()
                        .name("instance-state-name")
                        .values("pending", "running", "stopping", "shutting-down")
                        .build()))
        .reservations()
        .forEach(r -> running.addAll(r.instances()));
    Set<String> types = new TreeSet<>();
    for (Instance i : running) {
      if (i.instanceLifecycle() == null) {
        types.add(i.instanceTypeAsString());
      }
    }
    Map<String, Integer> vcpus = new HashMap<>();
    List<String> all = new ArrayList<>(types);
    // DescribeInstanceTypes takes at most 100 types a call.
    for (int from = 0; from < all.size(); from += 100) {
      List<String> batch = all.subList(from, Math.min(all.size(), from + 100));
      for (InstanceTypeInfo info :
          ec2.describeInstanceTypes(b -> b.instanceTypesWithStrings(batch)).instanceTypes()) {
        vcpus.put(info.instanceTypeAsString(), info.vCpuInfo().defaultVCpus());
      }
    }
    Map<Quota, Integer> used = new HashMap<>();
    for (Instance i : running) {
      Quota quota = quotaOf(i.instanceTypeAsString());
      if (i.instanceLifecycle() == null && quota != null) {
        used.merge(quota, vcpus.getOrDefault(i.instanceTypeAsString(), 0), Integer::sum);
      }
    }
    return used;
  }
}
