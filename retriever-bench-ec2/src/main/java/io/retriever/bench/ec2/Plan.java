package io.retriever.bench.ec2;

import io.retriever.bench.ec2.internal.Prices;
import io.retriever.bench.ec2.internal.Tags;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a run will do and create, found by discovery before anything is created: printed by {@code
 * --dry-run} and before asking to go ahead.
 *
 * @param runId the run's id, in every tag and name
 * @param region the region of the instances and the source
 * @param endpoint the endpoint of every AWS client, or null for AWS's own
 * @param vpcId the VPC the instances run in
 * @param instances one per instance type, in the order they are measured
 * @param source {@code s3://bucket/prefix} the benchmark downloads
 * @param results {@code s3://bucket/prefix/RUN/} where every instance writes its results
 * @param jar where the instances fetch Retriever from: an {@code s3://} URI of the jar the runner
 *     stages, or an {@code https://} URL given
 * @param instanceProfile the instance profile the instances use
 * @param createsInstanceProfile whether the run creates that profile (and its role) itself
 * @param keyName the key pair to log in with, or null for none
 * @param timeLimit how long an instance may live: it powers itself off (and so terminates) then
 * @param expires when the run's resources count as left over
 * @param benchArguments the arguments of {@code retriever bench} on each instance
 * @param parallelMeasure whether every instance measures at once, rather than one type at a time
 */
public record Plan(
    String runId,
    String region,
    URI endpoint,
    String vpcId,
    List<InstancePlan> instances,
    String source,
    String results,
    String jar,
    String instanceProfile,
    boolean createsInstanceProfile,
    String keyName,
    Duration timeLimit,
    Instant expires,
    List<String> benchArguments,
    boolean parallelMeasure) {

  public Plan {
    instances = List.copyOf(instances);
    benchArguments = List.copyOf(benchArguments);
  }

  /** Returns the highest cost in US dollars: every instance running for the whole time limit. */
  public double maxCostUsd() {
    double hours = timeLimit.toSeconds() / 3600.0;
    return instances.stream().mapToDouble(i -> i.usdPerHour().orElse(0) * hours).sum();
  }

  /** Returns the plan as lines for a person: what is used, what is created, what it may cost. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("Run " + runId + " in " + region + (endpoint == null ? "" : " at " + endpoint));
    lines.add("  source:  " + source);
    lines.add("  results: " + results);
    lines.add("  bench:   retriever bench " + String.join(" ", benchArguments));
    lines.add(
        "  measure: "
            + (parallelMeasure ? "every instance type at once" : "one instance type at a time"));
    lines.add("  VPC:     " + vpcId);
    lines.add("Instances (" + instances.size() + "):");
    for (InstancePlan i : instances) {
      lines.add(
          String.format(
              Locale.ROOT,
              "  %-14s %-6s %3d vCPU  NIC %s (baseline %.1f Gbit/s)  %s in %s (%s)  %s",
              i.instanceType(),
              i.architecture(),
              i.vcpus(),
              i.nicRating(),
              i.nicBaselineGbps(),
              i.imageId(),
              i.subnets().get(0),
              i.zones().get(0),
              i.usdPerHour().isPresent()
                  ? String.format(Locale.ROOT, "$%.4f/h", i.usdPerHour().getAsDouble())
                  : "no price known"));
    }
    lines.add(
        "Creates, each tagged retriever:run=" + runId + " and retriever:expires=" + expires + ":");
    if (jar.startsWith("s3://")) {
      lines.add("  the Retriever jar, staged at " + jar);
    }
    lines.add("  security group " + Tags.name(runId) + " in " + vpcId + ", no inbound rules");
    if (createsInstanceProfile) {
      lines.add(
          "  IAM role and instance profile "
              + instanceProfile
              + ": read the source, read and write the results");
    } else {
      lines.add("  (uses the instance profile " + instanceProfile + ")");
    }
    lines.add(
        "  "
            + instances.size()
            + " instance(s), "
            + (keyName == null ? "no key pair" : "key pair " + keyName)
            + ", each powering itself off after "
            + timeLimit.toMinutes()
            + " min and terminating on power-off");
    double hours = timeLimit.toSeconds() / 3600.0;
    long unpriced = instances.stream().filter(i -> i.usdPerHour().isEmpty()).count();
    lines.add(
        String.format(
            Locale.ROOT,
            "Cost: at most %.2f instance hours, $%.2f On-Demand (%s prices of %s)%s",
            hours * instances.size(),
            maxCostUsd(),
            Prices.REGION,
            Prices.DATE,
            unpriced == 0 ? "" : ", not counting " + unpriced + " type(s) without a known price"));
    return lines;
  }
}
