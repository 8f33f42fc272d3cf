package io.retriever.bench.ec2;

import io.retriever.RetrieverException;
import io.retriever.S3Uri;
import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.Discovery;
import io.retriever.bench.ec2.internal.Layout;
import io.retriever.bench.ec2.internal.Partition;
import io.retriever.bench.ec2.internal.PermissionCheck;
import io.retriever.bench.ec2.internal.PriceList;
import io.retriever.bench.ec2.internal.Prices;
import io.retriever.bench.ec2.internal.QuotaCheck;
import io.retriever.bench.ec2.internal.Resources;
import io.retriever.bench.ec2.internal.SourceCheck;
import io.retriever.bench.ec2.internal.Tags;
import io.retriever.bench.ec2.internal.Teardown;
import io.retriever.bench.ec2.internal.UserData;
import io.retriever.options.Sizes;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Benchmarks Retriever on EC2 instances: discovers where each instance type can run and checks what
 * the run needs ({@link #plan}), creates it, launches the instances in parallel, lets them measure
 * one type at a time (or all at once), collects their results from S3 into one report, and removes
 * everything it created whatever happens ({@link #run}); {@link #abort} does that from another
 * thread (a shutdown hook), {@link #leftovers} finds by tag what killed runs left behind, with each
 * run's expiry, and {@link #cleanup} removes the runs it is given.
 *
 * <p>Nothing is created before {@link #run}, and {@code run} refuses to start unless the plan has
 * no problems, was printed, and its {@linkplain Builder#confirmation confirmation} said yes.
 *
 * <p>Thread safety: {@link #run} once, from one thread; {@link #abort} from any thread.
 */
public final class Ec2Bench implements AutoCloseable {
  /** The longest wait of {@link #abort} for the steps under way (each one AWS call) to end. */
  static final Duration ABORT_WAIT = Duration.ofMinutes(2);

  /** The least default time limit of a type's turn. */
  static final Duration MIN_TIME_LIMIT = Duration.ofMinutes(15);

  /** The time a type's turn gives its instance to boot, install Java and fetch the jar. */
  static final Duration START_TIME = Duration.ofMinutes(10);

  /** The slowest rate a default time limit assumes, in Gbit/s. */
  static final double MIN_ASSUMED_GBPS = 0.25;

  private final String region;
  private final URI endpoint;
  private final List<String> instanceTypes;
  private final String source;
  private final String results;
  private final String subnet;
  private final String keyName;
  private final String instanceProfile;
  private final Duration timeLimit;
  private final int downloadsPerType;
  private final boolean toMemory;
  private final boolean sourceUnsigned;
  private final List<String> benchArguments;
  private final Path jar;
  private final String jarUrl;
  private final boolean parallelMeasure;
  private final String runId;
  private final Duration poll;
  private final Duration terminationWait;
  private final Predicate<Plan> confirmation;
  private final Path out;
  private final PrintStream log;
  private final Clock clock;
  private final Clients clients;
  private final Layout layout;
  private final Resources resources = new Resources();
  private final RunGuard guard = new RunGuard();
  private List<String> leftOver;

  private Ec2Bench(Builder b) {
    this.region = b.region;
    this.endpoint = b.endpoint;
    this.instanceTypes = List.copyOf(b.instanceTypes);
    this.source = b.source;
    this.results = b.results;
    this.subnet = b.subnet;
    this.keyName = b.keyName;
    this.instanceProfile = b.instanceProfile;
    this.timeLimit = b.timeLimit;
    this.downloadsPerType = b.downloadsPerType;
    this.toMemory = b.toMemory;
    this.sourceUnsigned = b.sourceUnsigned;
    this.benchArguments = List.copyOf(b.benchArguments);
    this.jar = b.jar;
    this.jarUrl = b.jarUrl;
    this.parallelMeasure = b.parallelMeasure;
    this.runId = b.runId != null ? b.runId : newRunId(b.clock);
    this.poll = b.poll;
    this.terminationWait = b.terminationWait;
    this.confirmation = b.confirmation;
    this.out = b.out;
    this.log = b.log;
    this.clock = b.clock;
    this.clients = new Clients(region, endpoint, b.credentials, b.interceptors);
    this.layout = results == null ? null : Layout.of(results, runId);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns the run's id. */
  public String runId() {
    return runId;
  }

  /**
   * Discovers where each instance type runs, checks what the run needs (the buckets, the source,
   * the caller's permissions, the vCPU quotas) and returns the plan, with a line per problem found;
   * creates nothing.
   *
   * @throws RetrieverException (INVALID) naming what to pass when discovery finds no way
   */
  public Plan plan() {
    if (instanceTypes.isEmpty() || source == null || results == null) {
      throw new IllegalStateException(
          "a plan needs instance types, a source and a results location");
    }
    if (jar == null && jarUrl == null) {
      throw new IllegalStateException("a plan needs the Retriever jar: a file to stage or a URL");
    }
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    if (jar != null && !Files.isRegularFile(jar)) {
      problems.add("the jar " + jar + " does not exist: pass --jar FILE (built by mvn package)");
    }
    S3Uri from = S3Uri.parse(source);
    SourceCheck checks = new SourceCheck(region, problems);
    SourceCheck.Facts facts;
    try (S3Client sourceS3 = sourceUnsigned ? clients.newAnonymousS3() : null) {
      S3Client s3 = sourceUnsigned ? sourceS3 : clients.s3();
      facts =
          checks.bucket(s3, from.bucket(), "source bucket")
              ? checks.source(s3, from)
              : new SourceCheck.Facts(0, 0, List.of());
    }
    checks.bucket(clients.s3(), layout.bucket(), "results bucket");

    Discovery discovery = new Discovery(clients.ec2(), clients.ssm(), region);
    Discovery.Network network = discovery.network(subnet);
    PriceList prices = new PriceList(clients.http(), clients.credentials(), region, endpoint);
    List<InstancePlan> instances = new ArrayList<>();
    List<InstancePlan> discovered =
        discovery.instances(instanceTypes, network, facts.bytes(), toMemory, prices);
    for (int n = 0; n < discovered.size(); n++) {
      InstancePlan i = discovered.get(n);
      instances.add(
          i.withInstanceProfile(
              instanceProfile != null ? instanceProfile : Tags.roleName(runId, n + 1)));
      if (toMemory && i.storage().sizeGib() * 1024L > i.memoryMib() * 3 / 4) {
        problems.add(
            String.format(
                Locale.ROOT,
                "%s has %d GiB of memory, too little to hold the source's %s in memory: drop"
                    + " --to memory, or choose a type with more memory",
                i.instanceType(),
                i.memoryMib() / 1024,
                Sizes.format(facts.bytes())));
      }
    }
    if (prices.unavailable() != null) {
      warnings.add(
          "prices from the table of "
              + Prices.DATE
              + " ("
              + Prices.REGION
              + "): the Price List API gave none ("
              + firstLine(prices.unavailable())
              + ")");
    }
    List<String> peerTools = UserData.peerToolsOf(peerSpecs());
    Duration limit = timeLimit;
    String basis = "given";
    if (limit == null) {
      double slowest =
          instances.stream()
              .mapToDouble(InstancePlan::nicBaselineGbps)
              .filter(g -> g > 0)
              .min()
              .orElse(1);
      limit = derivedTimeLimit(facts.bytes(), downloadsPerType, slowest);
      basis =
          String.format(
              Locale.ROOT,
              "derived: %d download(s) of %s at %.2f Gbit/s, a quarter of the slowest baseline"
                  + " (%.1f Gbit/s), plus %d min to start; at least %d min; --time-limit sets it",
              downloadsPerType,
              Sizes.format(facts.bytes()),
              Math.max(MIN_ASSUMED_GBPS, slowest / 4),
              slowest,
              START_TIME.toMinutes(),
              MIN_TIME_LIMIT.toMinutes());
    }
    Duration turn = limit.plus(Plan.TURN_SLACK);
    Duration last = parallelMeasure ? turn : turn.multipliedBy(instances.size());

    PermissionCheck permissions =
        new PermissionCheck(clients, Partition.of(region), problems, warnings);
    permissions.ec2(instances, network.vpcId(), keyName);
    if (instanceProfile == null) {
      permissions.iam(runId, instances.size(), layout, jarUrl == null);
    }
    new QuotaCheck(
            clients.ec2(),
            QuotaCheck.serviceQuotas(clients, region, endpoint),
            region,
            problems,
            warnings)
        .check(instances);

    List<String> bench = new ArrayList<>(List.of("--source", source, "--region", region));
    if (endpoint != null) {
      bench.addAll(List.of("--endpoint-url", endpoint.toString()));
    }
    bench.addAll(benchArguments);
    if (sourceUnsigned) {
      bench.add("--no-sign-request");
    }
    return Plan.builder()
        .runId(runId)
        .region(region)
        .endpoint(endpoint)
        .vpcId(network.vpcId())
        .instances(instances)
        .source(source, sourceUnsigned, facts.bytes(), facts.objects(), facts.kmsKeys())
        .results(layout.uri())
        .jar(jarUrl != null ? jarUrl : "s3://" + layout.bucket() + "/" + layout.jarKey())
        .createsInstanceProfile(instanceProfile == null)
        .keyName(keyName)
        .timeLimit(limit, basis)
        .expires(
            clock.instant().truncatedTo(ChronoUnit.SECONDS).plus(last).plus(Plan.EXPIRY_MARGIN))
        .benchArguments(bench)
        .parallelMeasure(parallelMeasure)
        .peerTools(peerTools)
        .problems(problems)
        .warnings(warnings)
        .build();
  }

  /**
   * Returns the default time limit of a type's turn: {@code downloads} of {@code bytes} at a
   * quarter of the slowest type's baseline (peers and small objects reach less than the NIC), plus
   * the time to start, in whole minutes and at least {@link #MIN_TIME_LIMIT}.
   */
  static Duration derivedTimeLimit(long bytes, int downloads, double slowestGbps) {
    double gbps = Math.max(MIN_ASSUMED_GBPS, slowestGbps / 4);
    double seconds = downloads * (double) bytes * 8 / (gbps * 1e9);
    return Duration.ofMinutes(
        Math.max(
            MIN_TIME_LIMIT.toMinutes(), (long) Math.ceil(seconds / 60) + START_TIME.toMinutes()));
  }

  /** Returns the {@code NAME=COMMAND} of each {@code --peer} among the bench arguments. */
  private List<String> peerSpecs() {
    List<String> specs = new ArrayList<>();
    for (int i = 0; i + 1 < benchArguments.size(); i++) {
      if (benchArguments.get(i).equals("--peer")) {
        specs.add(benchArguments.get(i + 1));
      } else if (benchArguments.get(i).startsWith("--peer=")) {
        specs.add(benchArguments.get(i).substring("--peer=".length()));
      }
    }
    return specs;
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  /**
   * Creates what the plan says, runs the benchmark on every instance, and returns the merged
   * report; removes everything it created before returning or throwing.
   *
   * <p>It prints the plan first and creates nothing unless the confirmation then says yes.
   *
   * @throws IllegalStateException when the plan has problems or was not confirmed, or this was run
   *     already
   * @throws RetrieverException (CANCELLED) when {@link #abort} was called
   */
  public Ec2Report run(Plan plan) throws InterruptedException, IOException {
    if (resources.sealed()) {
      throw new IllegalStateException("this run is over; build another Ec2Bench");
    }
    plan.describe().forEach(log::println);
    if (!plan.problems().isEmpty()) {
      throw new IllegalStateException(
          "the plan has "
              + plan.problems().size()
              + " problem(s), listed above, so nothing was created: fix them and run again");
    }
    if (!confirmation.test(plan)) {
      throw new IllegalStateException(
          "the plan is not confirmed, so nothing was created: pass --yes to create it");
    }
    try {
      return execute(plan);
    } finally {
      List<String> left = teardown();
      if (!left.isEmpty()) {
        log.println("Could not remove, try: retriever bench ec2 cleanup --run " + runId);
        left.forEach(line -> log.println("  " + line));
      }
    }
  }

  /**
   * Stops the run from another thread: waits for the step under way (at most {@link #ABORT_WAIT}),
   * then terminates the instances and deletes what was created, waiting until that is done. Returns
   * what could not be removed.
   */
  public List<String> abort() {
    if (!guard.abort(ABORT_WAIT)) {
      log.println("A step still runs after " + ABORT_WAIT.toSeconds() + " s; removing anyway");
    }
    return teardown();
  }

  /** Returns whether {@link #abort} was called. */
  boolean aborted() {
    return guard.aborted();
  }

  private synchronized List<String> teardown() {
    if (leftOver == null) {
      Resources.Snapshot created = resources.seal();
      leftOver =
          created.isEmpty()
              ? List.of()
              : new Teardown(
                      clients, layout == null ? null : layout.bucket(), terminationWait, poll, log)
                  .remove(created);
    }
    return leftOver;
  }

  private Ec2Report execute(Plan plan) throws InterruptedException, IOException {
    // The expiry counts from now: the plan may have waited long for its yes.
    Instant fromNow = clock.instant().truncatedTo(ChronoUnit.SECONDS).plus(plan.lifetime());
    Instant expires = fromNow.isAfter(plan.expires()) ? fromNow : plan.expires();
    List<Tag> tags =
        List.of(
            Tags.tag(Tags.RUN, runId),
            Tags.tag(Tags.EXPIRES, expires.toString()),
            Tags.tag(Tags.RESULTS, plan.results()));
    String group =
        new Setup(clients, layout, resources, guard, runId, jar, jarUrl, log)
            .create(plan, tags, expires);
    Map<String, String> instances =
        new Launcher(clients, layout, resources, guard, runId, region, endpoint, poll, log)
            .launchAll(plan, group, tags);
    RunObjects objects = new RunObjects(clients.s3(), layout.bucket());
    Map<String, String> failures = new LinkedHashMap<>();
    Map<String, List<String>> lastLines = new LinkedHashMap<>();
    new Measurer(
            clients, layout, objects, resources, guard, runId, plan.timeLimit(), poll, clock, log)
        .measure(plan, instances, failures, lastLines);
    return new Collector(clients.s3(), layout, objects, runId, out)
        .report(plan, failures, lastLines);
  }

  /**
   * Finds by tag what every run left behind, run by run, with each run's expiry; removes nothing.
   */
  public List<LeftoverRun> leftovers() {
    return new Leftovers(clients, terminationWait, poll, log).find();
  }

  /**
   * Removes what these runs left (as {@link #leftovers} found it): terminates the instances and
   * deletes the security groups, the roles' policies, the instance profiles, the roles and the
   * staged jar and signals; the results stay.
   */
  public Cleanup cleanup(List<LeftoverRun> runs) {
    return new Leftovers(clients, terminationWait, poll, log).remove(runs);
  }

  private static String newRunId(Clock clock) {
    byte[] random = new byte[2];
    new SecureRandom().nextBytes(random);
    return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(clock.instant())
        + "-"
        + HexFormat.of().formatHex(random);
  }

  @Override
  public void close() {
    clients.close();
  }

  /** Configures an {@link Ec2Bench}; {@link #build} checks what it can without AWS. */
  public static final class Builder {
    private String region;
    private URI endpoint;
    private AwsCredentialsProvider credentials;
    private final List<ExecutionInterceptor> interceptors = new ArrayList<>();
    private List<String> instanceTypes = List.of();
    private String source;
    private String results;
    private String subnet;
    private String keyName;
    private String instanceProfile;
    private Duration timeLimit;
    private int downloadsPerType = 1;
    private boolean toMemory;
    private boolean sourceUnsigned;
    private List<String> benchArguments = List.of();
    private Path jar;
    private String jarUrl;
    private boolean parallelMeasure;
    private String runId;
    private Duration poll = Duration.ofSeconds(10);
    private Duration terminationWait = Duration.ofMinutes(10);
    private Predicate<Plan> confirmation = plan -> false;
    private Path out;
    private PrintStream log = System.out;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Sets the region of the instances, which should be the source's. Required. */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** Sets the endpoint of every AWS client (EC2, SSM, IAM, S3); default: AWS's own. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /** Sets the credentials; default: the SDK's default chain. */
    public Builder credentials(AwsCredentialsProvider credentials) {
      this.credentials = credentials;
      return this;
    }

    /** Adds an interceptor to every AWS client, after those added before. */
    public Builder addInterceptor(ExecutionInterceptor interceptor) {
      if (interceptor == null) {
        throw new IllegalArgumentException("interceptor == null");
      }
      interceptors.add(interceptor);
      return this;
    }

    /** Sets the instance types to compare, measured in this order. */
    public Builder instanceTypes(List<String> instanceTypes) {
      this.instanceTypes = List.copyOf(instanceTypes);
      return this;
    }

    /** Sets what the benchmark downloads: {@code s3://bucket/prefix}. */
    public Builder source(String source) {
      this.source = source;
      return this;
    }

    /** Sets where results go: {@code s3://bucket/prefix}, below which each run has its own. */
    public Builder results(String results) {
      this.results = results;
      return this;
    }

    /** Sets the subnet of every instance; default: the default VPC's, in a zone offering it. */
    public Builder subnet(String subnet) {
      this.subnet = subnet;
      return this;
    }

    /** Sets a key pair to log in with; default: none. */
    public Builder keyName(String keyName) {
      this.keyName = keyName;
      return this;
    }

    /** Sets an existing instance profile; default: one created for the run. */
    public Builder instanceProfile(String instanceProfile) {
      this.instanceProfile = instanceProfile;
      return this;
    }

    /**
     * Sets how long each type's turn may take, from its signal to its results; default: derived
     * from the source's size, the {@linkplain #downloadsPerType downloads per type} and the slowest
     * type's NIC. An instance powers itself off once the turns up to its own are over.
     */
    public Builder timeLimit(Duration timeLimit) {
      this.timeLimit = timeLimit;
      return this;
    }

    /**
     * Sets how many times the bench on each type downloads the source (implementations × settings ×
     * (runs + warm-ups)), from which the default time limit follows; default 1.
     */
    public Builder downloadsPerType(int downloads) {
      if (downloads < 1) {
        throw new IllegalArgumentException(
            "downloads per type must be at least 1, not " + downloads);
      }
      this.downloadsPerType = downloads;
      return this;
    }

    /**
     * Makes the instances download into memory (a tmpfs) rather than onto instance storage or an
     * EBS volume: the network alone, as the seed's effective throughput measured it.
     */
    public Builder toMemory(boolean toMemory) {
      this.toMemory = toMemory;
      return this;
    }

    /** Reads the source without signing (a public bucket), on the instances and in the checks. */
    public Builder sourceUnsigned(boolean unsigned) {
      this.sourceUnsigned = unsigned;
      return this;
    }

    /** Sets the arguments of {@code retriever bench} besides the source (--impl, --sweep, ...). */
    public Builder benchArguments(List<String> benchArguments) {
      this.benchArguments = List.copyOf(benchArguments);
      return this;
    }

    /** Sets the Retriever jar to stage to S3 for the instances. */
    public Builder jar(Path jar) {
      this.jar = jar;
      return this;
    }

    /** Sets an {@code https://} URL the instances fetch the jar from, instead of staging one. */
    public Builder jarUrl(String jarUrl) {
      this.jarUrl = jarUrl;
      return this;
    }

    /** Lets every instance type measure at once (default: one at a time, to avoid 503s). */
    public Builder parallelMeasure(boolean parallelMeasure) {
      this.parallelMeasure = parallelMeasure;
      return this;
    }

    /** Sets the run's id; default: the time and a random suffix. */
    public Builder runId(String runId) {
      this.runId = runId;
      return this;
    }

    /** Sets how often the runner and the instances look for progress; default 10 s. */
    public Builder pollInterval(Duration poll) {
      this.poll = poll;
      return this;
    }

    /** Sets the longest wait for instances to terminate during teardown; default 10 minutes. */
    public Builder terminationWait(Duration terminationWait) {
      this.terminationWait = terminationWait;
      return this;
    }

    /** Confirms every plan ahead (as {@code --yes} does), or none. */
    public Builder confirmed(boolean confirmed) {
      return confirmation(plan -> confirmed);
    }

    /**
     * Sets what {@link Ec2Bench#run} asks, after printing the plan, before it creates anything
     * (e.g. a question on the terminal); default: no, so nothing is ever created.
     */
    public Builder confirmation(Predicate<Plan> confirmation) {
      if (confirmation == null) {
        throw new IllegalArgumentException("confirmation == null");
      }
      this.confirmation = confirmation;
      return this;
    }

    /** Sets a local directory for the merged report; default: only in S3. */
    public Builder out(Path out) {
      this.out = out;
      return this;
    }

    /** Sets where progress is printed; default standard output. */
    public Builder log(PrintStream log) {
      this.log = log;
      return this;
    }

    /** Sets the clock of run ids, expiries and deadlines. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Ec2Bench build() {
      if (region == null || region.isBlank()) {
        throw new IllegalArgumentException("region is required: pass the source bucket's region");
      }
      if (timeLimit != null && (timeLimit.isNegative() || timeLimit.toMinutes() < 1)) {
        throw new IllegalArgumentException("timeLimit must be at least one minute");
      }
      if (jar != null && jarUrl != null) {
        throw new IllegalArgumentException("give the jar as a file or as a URL, not both");
      }
      if (jarUrl != null && !jarUrl.startsWith("https://")) {
        throw new IllegalArgumentException("the jar URL must be https://, not " + jarUrl);
      }
      if (runId != null && !runId.matches("[A-Za-z0-9-]{1,40}")) {
        throw new IllegalArgumentException(
            "a run id is 1 to 40 letters, digits and dashes, not " + runId);
      }
      for (String uri : new String[] {source, results}) {
        if (uri != null) {
          S3Uri.parse(uri);
        }
      }
      return new Ec2Bench(this);
    }
  }
}
