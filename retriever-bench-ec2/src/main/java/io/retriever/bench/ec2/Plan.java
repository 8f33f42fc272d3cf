package io.retriever.bench.ec2;

import io.retriever.S3Uri;
import io.retriever.bench.ec2.internal.InstancePolicy;
import io.retriever.bench.ec2.internal.Layout;
import io.retriever.bench.ec2.internal.Partition;
import io.retriever.bench.ec2.internal.Tags;
import io.retriever.options.Sizes;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a run will do and create, found by discovery and checked before anything is created: printed
 * by {@code --dry-run} and before asking to go ahead. A plan with {@linkplain #problems() problems}
 * is never run.
 *
 * <p>Thread safety: immutable.
 */
public final class Plan {
  /**
   * The time an instance gets beyond its turn's limit before it powers itself off: the runner
   * notices the end of a turn, terminates the instance and signals the next within a few polls.
   */
  static final Duration TURN_SLACK = Duration.ofMinutes(5);

  /** How long after the last instance's power-off a run's resources count as left over. */
  static final Duration EXPIRY_MARGIN = Duration.ofHours(1);

  private final String runId;
  private final String region;
  private final Partition partition;
  private final URI endpoint;
  private final String vpcId;
  private final List<InstancePlan> instances;
  private final String source;
  private final boolean sourceUnsigned;
  private final long sourceBytes;
  private final long sourceObjects;
  private final List<String> kmsKeys;
  private final String results;
  private final String jar;
  private final boolean createsInstanceProfile;
  private final String keyName;
  private final Duration timeLimit;
  private final String timeLimitBasis;
  private final Instant expires;
  private final List<String> benchArguments;
  private final boolean parallelMeasure;
  private final List<String> peerTools;
  private final List<String> problems;
  private final List<String> warnings;

  private Plan(Builder b) {
    this.runId = b.runId;
    this.region = b.region;
    this.partition = Partition.of(b.region);
    this.endpoint = b.endpoint;
    this.vpcId = b.vpcId;
    this.instances = List.copyOf(b.instances);
    this.source = b.source;
    this.sourceUnsigned = b.sourceUnsigned;
    this.sourceBytes = b.sourceBytes;
    this.sourceObjects = b.sourceObjects;
    this.kmsKeys = List.copyOf(b.kmsKeys);
    this.results = b.results;
    this.jar = b.jar;
    this.createsInstanceProfile = b.createsInstanceProfile;
    this.keyName = b.keyName;
    this.timeLimit = b.timeLimit;
    this.timeLimitBasis = b.timeLimitBasis;
    this.expires = b.expires;
    this.benchArguments = List.copyOf(b.benchArguments);
    this.parallelMeasure = b.parallelMeasure;
    this.peerTools = List.copyOf(b.peerTools);
    this.problems = List.copyOf(b.problems);
    this.warnings = List.copyOf(b.warnings);
  }

  static Builder builder() {
    return new Builder();
  }

  /** Returns the run's id, in every tag and name. */
  public String runId() {
    return runId;
  }

  /** Returns the region of the instances and the source. */
  public String region() {
    return region;
  }

  /** Returns the region's partition, e.g. {@code aws} or {@code aws-cn}. */
  public String partition() {
    return partition.id();
  }

  /** Returns the endpoint of every AWS client, or null for AWS's own. */
  public URI endpoint() {
    return endpoint;
  }

  /** Returns the VPC the instances run in. */
  public String vpcId() {
    return vpcId;
  }

  /** Returns one plan per instance type, in the order they are measured. */
  public List<InstancePlan> instances() {
    return instances;
  }

  /** Returns {@code s3://bucket/prefix} the benchmark downloads. */
  public String source() {
    return source;
  }

  /** Returns the bytes below the source prefix. */
  public long sourceBytes() {
    return sourceBytes;
  }

  /** Returns the objects below the source prefix. */
  public long sourceObjects() {
    return sourceObjects;
  }

  /** Returns the KMS keys (ARNs) the source's objects were seen encrypted with. */
  public List<String> kmsKeys() {
    return kmsKeys;
  }

  /** Returns {@code s3://bucket/prefix/RUN/} where every instance writes its results. */
  public String results() {
    return results;
  }

  /**
   * Returns where the instances fetch Retriever from: an {@code s3://} URI of the jar the runner
   * stages, or an {@code https://} URL given.
   */
  public String jar() {
    return jar;
  }

  /** Returns whether the run creates a role and instance profile per type itself. */
  public boolean createsInstanceProfile() {
    return createsInstanceProfile;
  }

  /** Returns the key pair to log in with, or null for none. */
  public String keyName() {
    return keyName;
  }

  /** Returns how long a type's turn may take, from its signal to its results. */
  public Duration timeLimit() {
    return timeLimit;
  }

  /**
   * Returns when the run's resources count as left over, were it to start now; the run counts from
   * when it starts creating.
   */
  public Instant expires() {
    return expires;
  }

  /** Returns the arguments of {@code retriever bench} on each instance. */
  public List<String> benchArguments() {
    return benchArguments;
  }

  /** Returns whether every instance measures at once, rather than one type at a time. */
  public boolean parallelMeasure() {
    return parallelMeasure;
  }

  /** Returns the peer tools installed on each instance, e.g. {@code rclone}. */
  public List<String> peerTools() {
    return peerTools;
  }

  /** Returns what keeps the plan from running, one line each naming the resource; empty if none. */
  public List<String> problems() {
    return problems;
  }

  /** Returns what could not be checked or may disappoint, one line each. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Returns how long after launch the {@code index}th instance powers itself off: its turn comes
   * after those of the types before it (unless all measure at once).
   */
  public Duration powerOffAfter(int index) {
    Duration turn = timeLimit.plus(TURN_SLACK);
    return parallelMeasure ? turn : turn.multipliedBy(index + 1L);
  }

  /**
   * Returns how long after it starts the run's resources count as left over: the last instance's
   * power-off, and a margin.
   */
  Duration lifetime() {
    return powerOffAfter(instances.size() - 1).plus(EXPIRY_MARGIN);
  }

  /** Returns the most instance hours the run can use: each instance until it powers off. */
  public double maxInstanceHours() {
    double hours = 0;
    for (int i = 0; i < instances.size(); i++) {
      hours += powerOffAfter(i).toSeconds() / 3600.0;
    }
    return hours;
  }

  /** Returns the highest cost in US dollars: each instance running until it powers off. */
  public double maxCostUsd() {
    double usd = 0;
    for (int i = 0; i < instances.size(); i++) {
      usd += instances.get(i).usdPerHour().orElse(0) * powerOffAfter(i).toSeconds() / 3600.0;
    }
    return usd;
  }

  /** Returns the policy of the role of an instance type (when the run creates the roles). */
  public String policy(InstancePlan instance, boolean pretty) {
    S3Uri from = S3Uri.parse(source);
    InstancePolicy policy =
        new InstancePolicy(
            partition,
            region,
            sourceUnsigned ? null : from.bucket(),
            from.key(),
            kmsKeys,
            Layout.parse(results),
            instance.instanceType(),
            jar.startsWith("s3://"));
    return pretty ? policy.prettyJson() : policy.json();
  }

  /** Returns the plan as lines for a person: what is used, what is created, what it may cost. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add(
        "Run "
            + runId
            + " in "
            + region
            + " (partition "
            + partition.id()
            + ")"
            + (endpoint == null ? "" : " at " + endpoint));
    lines.add(
        String.format(
            Locale.ROOT,
            "  source:  %s: %,d object(s), %s%s%s",
            source,
            sourceObjects,
            Sizes.format(sourceBytes),
            kmsKeys.isEmpty() ? "" : ", SSE-KMS with " + String.join(", ", kmsKeys),
            sourceUnsigned ? ", read unsigned" : ""));
    lines.add("  results: " + results);
    lines.add("  bench:   retriever bench " + String.join(" ", benchArguments));
    lines.add(
        "  measure: "
            + (parallelMeasure ? "every instance type at once" : "one instance type at a time"));
    lines.add("  time:    " + timeLimit.toMinutes() + " min per type (" + timeLimitBasis + ")");
    lines.add("  VPC:     " + vpcId);
    lines.add("Instances (" + instances.size() + "):");
    for (int n = 0; n < instances.size(); n++) {
      InstancePlan i = instances.get(n);
      lines.add(
          String.format(
              Locale.ROOT,
              "  %-14s %-6s %3d vCPU %4d GiB  NIC %s (baseline %.1f Gbit/s)  %s in %s (%s)  %s",
              i.instanceType(),
              i.architecture(),
              i.vcpus(),
              i.memoryMib() / 1024,
              i.nicRating(),
              i.nicBaselineGbps(),
              i.imageId(),
              i.subnets().get(0),
              i.zones().get(0),
              i.usdPerHour().isPresent()
                  ? String.format(
                      Locale.ROOT, "$%.4f/h (%s)", i.usdPerHour().getAsDouble(), i.priceSource())
                  : "no price known"));
      Storage storage = i.storage();
      String cap =
          storage.gbps() > 0 && storage.gbps() < i.nicBaselineGbps()
              ? String.format(
                  Locale.ROOT,
                  "; the volume's %.1f Gbit/s may cap the figure below the NIC's baseline"
                      + " (--to memory avoids it)",
                  storage.gbps())
              : "";
      lines.add(
          "      downloads to "
              + storage.describe()
              + cap
              + "; powers off "
              + powerOffAfter(n).toMinutes()
              + " min after launch");
    }
    if (!peerTools.isEmpty()) {
      lines.add("Peers installed on each instance: " + String.join(", ", peerTools));
    }
    lines.add(
        "Creates, each tagged retriever:run=" + runId + " and retriever:expires=" + expires + ":");
    if (jar.startsWith("s3://")) {
      lines.add("  the Retriever jar, staged at " + jar);
    }
    lines.add("  security group " + Tags.name(runId) + " in " + vpcId + ", no inbound rules");
    if (createsInstanceProfile) {
      lines.add(
          "  per instance type, an IAM role and instance profile "
              + Tags.roleName(runId, 1)
              + ", -2, ...: read the source, write that type's results (policy below)");
    } else {
      lines.add("  (uses the instance profile " + instances.get(0).instanceProfile() + ")");
    }
    lines.add(
        "  "
            + instances.size()
            + " instance(s), "
            + (keyName == null ? "no key pair" : "key pair " + keyName)
            + ", each powering itself off as said above and terminating on power-off");
    long unpriced = instances.stream().filter(i -> i.usdPerHour().isEmpty()).count();
    lines.add(
        String.format(
            Locale.ROOT,
            "Cost: at most %.2f instance hours, $%.2f On-Demand, plus EBS volumes while they"
                + " exist%s",
            maxInstanceHours(),
            maxCostUsd(),
            unpriced == 0 ? "" : ", not counting " + unpriced + " type(s) without a known price"));
    if (createsInstanceProfile) {
      lines.add(
          "Policy of the role of "
              + instances.get(0).instanceType()
              + " (each type's differs only in its own results prefix):");
      policy(instances.get(0), true).lines().forEach(l -> lines.add("  " + l));
    }
    if (!warnings.isEmpty()) {
      lines.add("Warnings (" + warnings.size() + "):");
      warnings.forEach(w -> lines.add("  - " + w));
    }
    if (!problems.isEmpty()) {
      lines.add("Problems (" + problems.size() + "), each to fix before a run:");
      problems.forEach(p -> lines.add("  - " + p));
    }
    return lines;
  }

  /** Collects a plan; {@link Ec2Bench#plan} fills it. */
  static final class Builder {
    private String runId;
    private String region;
    private URI endpoint;
    private String vpcId;
    private List<InstancePlan> instances = List.of();
    private String source;
    private boolean sourceUnsigned;
    private long sourceBytes;
    private long sourceObjects;
    private List<String> kmsKeys = List.of();
    private String results;
    private String jar;
    private boolean createsInstanceProfile;
    private String keyName;
    private Duration timeLimit;
    private String timeLimitBasis = "given";
    private Instant expires;
    private List<String> benchArguments = List.of();
    private boolean parallelMeasure;
    private List<String> peerTools = List.of();
    private List<String> problems = List.of();
    private List<String> warnings = List.of();

    Builder runId(String runId) {
      this.runId = runId;
      return this;
    }

    Builder region(String region) {
      this.region = region;
      return this;
    }

    Builder endpoint(URI endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    Builder vpcId(String vpcId) {
      this.vpcId = vpcId;
      return this;
    }

    Builder instances(List<InstancePlan> instances) {
      this.instances = instances;
      return this;
    }

    Builder source(String source, boolean unsigned, long bytes, long objects, List<String> keys) {
      this.source = source;
      this.sourceUnsigned = unsigned;
      this.sourceBytes = bytes;
      this.sourceObjects = objects;
      this.kmsKeys = keys;
      return this;
    }

    Builder results(String results) {
      this.results = results;
      return this;
    }

    Builder jar(String jar) {
      this.jar = jar;
      return this;
    }

    Builder createsInstanceProfile(boolean creates) {
      this.createsInstanceProfile = creates;
      return this;
    }

    Builder keyName(String keyName) {
      this.keyName = keyName;
      return this;
    }

    Builder timeLimit(Duration timeLimit, String basis) {
      this.timeLimit = timeLimit;
      this.timeLimitBasis = basis;
      return this;
    }

    Builder expires(Instant expires) {
      this.expires = expires;
      return this;
    }

    Builder benchArguments(List<String> benchArguments) {
      this.benchArguments = benchArguments;
      return this;
    }

    Builder parallelMeasure(boolean parallelMeasure) {
      this.parallelMeasure = parallelMeasure;
      return this;
    }

    Builder peerTools(List<String> peerTools) {
      this.peerTools = peerTools;
      return this;
    }

    Builder problems(List<String> problems) {
      this.problems = problems;
      return this;
    }

    Builder warnings(List<String> warnings) {
      this.warnings = warnings;
      return this;
    }

    Plan build() {
      return new Plan(this);
    }
  }
}
