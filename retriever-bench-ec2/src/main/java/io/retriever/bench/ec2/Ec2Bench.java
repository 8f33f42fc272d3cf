package io.retriever.bench.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.S3Uri;
import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.Discovery;
import io.retriever.bench.ec2.internal.Layout;
import io.retriever.bench.ec2.internal.ReportCharts;
import io.retriever.bench.ec2.internal.ReportMerger;
import io.retriever.bench.ec2.internal.Resources;
import io.retriever.bench.ec2.internal.Tags;
import io.retriever.bench.ec2.internal.Teardown;
import io.retriever.bench.ec2.internal.UserData;
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
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.ShutdownBehavior;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Benchmarks Retriever on EC2 instances: discovers where each instance type can run ({@link
 * #plan}), creates what the run needs, launches the instances in parallel, lets them measure one
 * type at a time (or all at once), collects their results from S3 into one report, and removes
 * everything it created whatever happens ({@link #run}); {@link #abort} does that from another
 * thread (a shutdown hook), and {@link #cleanup} finds by tag what a killed run left behind.
 *
 * <p>Nothing is created before {@link #run}, and {@code run} refuses to start unless the builder
 * printed the plan and its {@linkplain Builder#confirmation confirmation} said yes.
 *
 * <p>Thread safety: {@link #run} once, from one thread; {@link #abort} from any thread.
 */
public final class Ec2Bench implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POLICY_NAME = "retriever-bench";
  private static final String TRUST_POLICY =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
          + "\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

  private final String region;
  private final URI endpoint;
  private final List<String> instanceTypes;
  private final String source;
  private final String results;
  private final String subnet;
  private final String keyName;
  private final String instanceProfile;
  private final Duration timeLimit;
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
  private volatile boolean aborted;
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
   * Discovers where each instance type runs and returns the plan; creates nothing.
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
    Discovery discovery = new Discovery(clients.ec2(), clients.ssm(), region);
    Discovery.Network network = discovery.network(subnet);
    List<InstancePlan> instances = discovery.instances(instanceTypes, network);
    List<String> bench = new ArrayList<>(List.of("--source", source, "--region", region));
    if (endpoint != null) {
      bench.addAll(List.of("--endpoint-url", endpoint.toString()));
    }
    bench.addAll(benchArguments);
    return new Plan(
        runId,
        region,
        endpoint,
        network.vpcId(),
        instances,
        source,
        layout.uri(),
        jarUrl != null ? jarUrl : "s3://" + layout.bucket() + "/" + layout.jarKey(),
        instanceProfile != null ? instanceProfile : Tags.name(runId),
        instanceProfile == null,
        keyName,
        timeLimit,
        clock.instant().truncatedTo(ChronoUnit.SECONDS).plus(timeLimit).plus(Duration.ofHours(1)),
        bench,
        parallelMeasure);
  }

  /**
   * Creates what the plan says, runs the benchmark on every instance, and returns the merged
   * report; removes everything it created before returning or throwing.
   *
   * <p>It prints the plan first and creates nothing unless the confirmation then says yes.
   *
   * @throws IllegalStateException when the plan was not confirmed, or this was run already
   * @throws RetrieverException (CANCELLED) when {@link #abort} was called
   */
  public Ec2Report run(Plan plan) throws InterruptedException, IOException {
    if (resources.sealed()) {
      throw new IllegalStateException("this run is over; build another Ec2Bench");
    }
    plan.describe().forEach(log::println);
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
   * Stops the run from another thread: terminates the instances and deletes what was created,
   * waiting until that is done. Returns what could not be removed.
   */
  public List<String> abort() {
    aborted = true;
    return teardown();
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
    List<Tag> tags = List.of(tag(Tags.RUN, runId), tag(Tags.EXPIRES, plan.expires().toString()));
    if (jarUrl == null) {
      checkNotAborted();
      clients
          .s3()
          .putObject(
              b -> b.bucket(layout.bucket()).key(layout.jarKey()), RequestBody.fromFile(jar));
      record(
          resources.addStagedKey(layout.jarKey()),
          () -> clients.s3().deleteObject(b -> b.bucket(layout.bucket()).key(layout.jarKey())));
      log.println("Staged " + plan.jar());
    }
    // The plan stays with the results: what ran where, and each type's NIC rating.
    clients
        .s3()
        .putObject(
            b -> b.bucket(layout.bucket()).key(layout.planKey()),
            RequestBody.fromString(String.join("\n", plan.describe()) + "\n"));
    if (plan.createsInstanceProfile()) {
      createInstanceProfile(plan);
    }
    checkNotAborted();
    String group =
        clients
            .ec2()
            .createSecurityGroup(
                b ->
                    b.groupName(Tags.name(runId))
                        .description("retriever bench ec2 run " + runId + ": no inbound rules")
                        .vpcId(plan.vpcId())
                        .tagSpecifications(tagged(ResourceType.SECURITY_GROUP, tags, null)))
            .groupId();
    record(
        resources.addSecurityGroup(group),
        () -> clients.ec2().deleteSecurityGroup(b -> b.groupId(group)));
    log.println("Created security group " + group);

    Map<String, String> instances = launchAll(plan, group, tags);
    Instant launched = clock.instant();
    Map<String, String> failures = new LinkedHashMap<>();
    if (plan.parallelMeasure()) {
      for (InstancePlan i : plan.instances()) {
        signal(i.instanceType());
      }
    }
    for (InstancePlan i : plan.instances()) {
      String type = i.instanceType();
      if (!plan.parallelMeasure()) {
        signal(type);
      }
      log.println("Measuring on " + type + " (" + instances.get(type) + ")");
      String failure = awaitDone(type, instances.get(type), launched);
      if (failure != null) {
        failures.put(type, failure);
        log.println(type + ": " + failure);
      }
      clients.ec2().terminateInstances(b -> b.instanceIds(instances.get(type)));
    }
    Ec2Report report = collect(plan, failures);
    String markdown = report.markdown();
    clients
        .s3()
        .putObject(
            b -> b.bucket(layout.bucket()).key(layout.reportKey()),
            RequestBody.fromString(markdown));
    Map<String, byte[]> charts =
        report.rows().isEmpty() ? Map.of() : ReportCharts.render(report.rows());
    charts.forEach(
        (name, png) ->
            clients
                .s3()
                .putObject(
                    b -> b.bucket(layout.bucket()).key(layout.prefix() + name),
                    RequestBody.fromBytes(png)));
    if (out != null) {
      Files.createDirectories(out);
      Files.writeString(out.resolve("report.md"), markdown);
      for (Map.Entry<String, byte[]> chart : charts.entrySet()) {
        Files.write(out.resolve(chart.getKey()), chart.getValue());
      }
    }
    return report;
  }

  private void createInstanceProfile(Plan plan) {
    String name = plan.instanceProfile();
    List<software.amazon.awssdk.services.iam.model.Tag> tags =
        List.of(
            software.amazon.awssdk.services.iam.model.Tag.builder()
                .key(Tags.RUN)
                .value(runId)
                .build(),
            software.amazon.awssdk.services.iam.model.Tag.builder()
                .key(Tags.EXPIRES)
                .value(plan.expires().toString())
                .build());
    checkNotAborted();
    clients
        .iam()
        .createRole(
            b ->
                b.roleName(name)
                    .path(Tags.IAM_PATH)
                    .assumeRolePolicyDocument(TRUST_POLICY)
                    .description("retriever bench ec2 run " + runId)
                    .tags(tags));
    record(resources.addRole(name), () -> clients.iam().deleteRole(b -> b.roleName(name)));
    clients
        .iam()
        .putRolePolicy(b -> b.roleName(name).policyName(POLICY_NAME).policyDocument(policy(plan)));
    checkNotAborted();
    clients
        .iam()
        .createInstanceProfile(b -> b.instanceProfileName(name).path(Tags.IAM_PATH).tags(tags));
    record(
        resources.addInstanceProfile(name),
        () -> clients.iam().deleteInstanceProfile(b -> b.instanceProfileName(name)));
    clients.iam().addRoleToInstanceProfile(b -> b.instanceProfileName(name).roleName(name));
    log.println("Created IAM role and instance profile " + name);
  }

  /** Reads the source, reads and writes the run's results, nothing else. */
  private String policy(Plan plan) {
    S3Uri from = S3Uri.parse(plan.source());
    String src = "arn:aws:s3:::" + from.bucket();
    String res = "arn:aws:s3:::" + layout.bucket();
    return "{\"Version\":\"2012-10-17\",\"Statement\":["
        + "{\"Effect\":\"Allow\",\"Action\":[\"s3:ListBucket\"],\"Resource\":[\""
        + src
        + "\",\""
        + res
        + "\"]},"
        + "{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":[\""
        + src
        + "/"
        + from.key()
        + "*\",\""
        + res
        + "/"
        + layout.prefix()
        + "*\"]},"
        + "{\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\""
        + res
        + "/"
        + layout.prefix()
        + "*\"]}]}";
  }

  /** Launches every instance at once; returns instance ids by type once all are launched. */
  private Map<String, String> launchAll(Plan plan, String group, List<Tag> tags)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(plan.instances().size());
    try {
      List<Future<String>> launches = new ArrayList<>();
      for (InstancePlan i : plan.instances()) {
        launches.add(pool.submit(() -> launch(plan, i, group, tags)));
      }
      Map<String, String> ids = new LinkedHashMap<>();
      RuntimeException failure = null;
      for (int n = 0; n < launches.size(); n++) {
        try {
          ids.put(plan.instances().get(n).instanceType(), launches.get(n).get());
        } catch (ExecutionException e) {
          if (failure == null) {
            failure =
                e.getCause() instanceof RuntimeException r
                    ? r
                    : new RetrieverException(Reason.SERVER, e.getCause().toString(), e.getCause());
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
      return ids;
    } finally {
      pool.shutdownNow();
    }
  }

  private String launch(Plan plan, InstancePlan instance, String group, List<Tag> tags)
      throws InterruptedException {
    String type = instance.instanceType();
    List<String> onInstance =
        new ArrayList<>(
            List.of(
                "--run",
                runId,
                "--instance-type",
                type,
                "--results",
                plan.results(),
                "--region",
                region));
    if (endpoint != null) {
      onInstance.addAll(List.of("--endpoint-url", endpoint.toString()));
    }
    onInstance.addAll(
        List.of(
            "--wait-seconds",
            String.valueOf(timeLimit.toSeconds()),
            "--poll-millis",
            String.valueOf(poll.toMillis()),
            "--",
            "bench"));
    onInstance.addAll(plan.benchArguments());
    String userData =
        UserData.encode(UserData.script(region, endpoint, plan.jar(), timeLimit, onInstance));
    Tag name = tag("Name", Tags.name(runId) + "-" + type);
    long profileDeadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    for (int z = 0; z < instance.subnets().size(); ) {
      checkNotAborted();
      String subnetId = instance.subnets().get(z);
      String zone = instance.zones().get(z);
      try {
        Instance launched =
            clients
                .ec2()
                .runInstances(
                    b ->
                        b.imageId(instance.imageId())
                            .instanceType(type)
                            .minCount(1)
                            .maxCount(1)
                            .subnetId(subnetId)
                            .securityGroupIds(group)
                            .userData(userData)
                            .keyName(plan.keyName())
                            .iamInstanceProfile(p -> p.name(plan.instanceProfile()))
                            .instanceInitiatedShutdownBehavior(ShutdownBehavior.TERMINATE)
                            .metadataOptions(m -> m.httpTokens(HttpTokensState.REQUIRED))
                            .tagSpecifications(
                                tagged(ResourceType.INSTANCE, tags, name),
                                tagged(ResourceType.VOLUME, tags, name)))
                .instances()
                .get(0);
        String id = launched.instanceId();
        record(
            resources.addInstance(id),
            () -> clients.ec2().terminateInstances(b -> b.instanceIds(id)));
        log.println("Launched " + type + " as " + id + " in " + zone);
        return id;
      } catch (Ec2Exception e) {
        String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
        if (code.equals("InsufficientInstanceCapacity")) {
          log.println("No capacity for " + type + " in " + zone + "; trying the next zone");
          z++;
        } else if (code.equals("InvalidParameterValue")
            && String.valueOf(e.awsErrorDetails().errorMessage()).contains("iamInstanceProfile")
            && System.nanoTime() < profileDeadline) {
          // A new instance profile takes a few seconds to become visible to EC2.
          Thread.sleep(Math.max(poll.toMillis(), 1000));
        } else {
          throw e;
        }
      }
    }
    throw new RetrieverException(
        Reason.SERVER, "no capacity for " + type + " in any of " + instance.zones());
  }

  private void signal(String type) {
    checkNotAborted();
    clients
        .s3()
        .putObject(
            b -> b.bucket(layout.bucket()).key(layout.goKey(type)), RequestBody.fromString(runId));
    record(
        resources.addStagedKey(layout.goKey(type)),
        () -> clients.s3().deleteObject(b -> b.bucket(layout.bucket()).key(layout.goKey(type))));
  }

  /** Waits until the type's results are in; returns why they never will be, or null. */
  private String awaitDone(String type, String instanceId, Instant launched)
      throws InterruptedException {
    Instant deadline = launched.plus(timeLimit).plus(poll.multipliedBy(3));
    while (true) {
      checkNotAborted();
      if (exists(layout.doneKey(type))) {
        return null;
      }
      InstanceStateName state = state(instanceId);
      if (state != InstanceStateName.PENDING && state != InstanceStateName.RUNNING) {
        // The results may have landed between the two looks.
        return exists(layout.doneKey(type))
            ? null
            : "the instance is " + state + " and left no results";
      }
      if (clock.instant().isAfter(deadline)) {
        return "no results within the time limit of " + timeLimit.toMinutes() + " min";
      }
      Thread.sleep(poll.toMillis());
    }
  }

  private InstanceStateName state(String instanceId) {
    for (var reservation :
        clients
            .ec2()
            .describeInstances(
                b -> b.filters(Filter.builder().name("instance-id").values(instanceId).build()))
            .reservations()) {
      for (Instance instance : reservation.instances()) {
        return instance.state().name();
      }
    }
    return InstanceStateName.TERMINATED;
  }

  private boolean exists(String key) {
    try {
      clients.s3().headObject(b -> b.bucket(layout.bucket()).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private Ec2Report collect(Plan plan, Map<String, String> failures) throws IOException {
    List<ReportRow> rows = new ArrayList<>();
    for (InstancePlan i : plan.instances()) {
      String type = i.instanceType();
      if (failures.containsKey(type)) {
        continue;
      }
      JsonNode done = JSON.readTree(read(layout.doneKey(type)));
      int code = done.path("exit_code").asInt(1);
      if (code != 0) {
        failures.put(
            type,
            "the bench exited with "
                + code
                + (done.hasNonNull("error") ? ": " + done.get("error").asText() : "")
                + " (its output: "
                + "s3://"
                + layout.bucket()
                + "/"
                + layout.typePrefix(type)
                + "bench.log)");
        continue;
      }
      if (!exists(layout.resultsKey(type))) {
        failures.put(type, "the instance uploaded no results.jsonl");
        continue;
      }
      List<ReportRow> typeRows = ReportMerger.rows(i, read(layout.resultsKey(type)));
      if (typeRows.isEmpty()) {
        failures.put(type, "no run succeeded");
      }
      rows.addAll(typeRows);
    }
    return new Ec2Report(runId, plan, rows, failures);
  }

  private String read(String key) {
    return clients.s3().getObjectAsBytes(b -> b.bucket(layout.bucket()).key(key)).asUtf8String();
  }

  /**
   * Finds by tag what runs left behind (one run's, or every run's when {@code runId} is null),
   * terminates the instances and deletes the security groups, instance profiles and roles; with the
   * results location the run was given, and a run id, also the jar it staged and its signals.
   *
   * @param results {@code s3://bucket/prefix} as given to the run, or null to leave S3 alone
   */
  public Cleanup cleanup(String runId, String results) {
    Filter byRun =
        runId == null
            ? Filter.builder().name("tag-key").values(Tags.RUN).build()
            : Filter.builder().name("tag:" + Tags.RUN).values(runId).build();
    List<String> instances = new ArrayList<>();
    clients
        .ec2()
        .describeInstancesPaginator(
            b ->
                b.filters(
                    byRun,
                    Filter.builder()
                        .name("instance-state-name")
                        .values("pending", "running", "stopping", "stopped", "shutting-down")
                        .build()))
        .reservations()
        .forEach(r -> r.instances().forEach(i -> instances.add(i.instanceId())));
    List<String> groups = new ArrayList<>();
    clients
        .ec2()
        .describeSecurityGroupsPaginator(b -> b.filters(byRun))
        .securityGroups()
        .forEach(g -> groups.add(g.groupId()));
    String name = runId == null ? Tags.NAME_PREFIX : Tags.name(runId);
    List<String> profiles = new ArrayList<>();
    for (InstanceProfile p :
        clients
            .iam()
            .listInstanceProfilesPaginator(b -> b.pathPrefix(Tags.IAM_PATH))
            .instanceProfiles()) {
      if (runId == null
          ? p.instanceProfileName().startsWith(name)
          : p.instanceProfileName().equals(name)) {
        profiles.add(p.instanceProfileName());
      }
    }
    List<String> roles = new ArrayList<>();
    for (Role r : clients.iam().listRolesPaginator(b -> b.pathPrefix(Tags.IAM_PATH)).roles()) {
      if (runId == null ? r.roleName().startsWith(name) : r.roleName().equals(name)) {
        roles.add(r.roleName());
      }
    }
    List<String> staged = new ArrayList<>();
    Layout run = runId == null || results == null ? null : Layout.of(results, runId);
    if (run != null) {
      clients
          .s3()
          .listObjectsV2Paginator(b -> b.bucket(run.bucket()).prefix(run.prefix()))
          .contents()
          .forEach(
              o -> {
                if (o.key().equals(run.jarKey()) || o.key().startsWith(run.prefix() + "go/")) {
                  staged.add(o.key());
                }
              });
    }
    Resources.Snapshot found = new Resources.Snapshot(instances, groups, profiles, roles, staged);
    List<String> failures =
        found.isEmpty()
            ? List.of()
            : new Teardown(clients, run == null ? null : run.bucket(), terminationWait, poll, log)
                .remove(found);
    return new Cleanup(
        instances,
        groups,
        profiles,
        roles,
        staged.stream().map(k -> "s3://" + run.bucket() + "/" + k).toList(),
        failures);
  }

  private void checkNotAborted() {
    if (aborted) {
      throw new RetrieverException(Reason.CANCELLED, "the run was stopped");
    }
  }

  /**
   * Stops when what was just created could not be recorded because teardown has begun, removing it
   * first: teardown no longer sees it.
   */
  private void record(boolean recorded, Runnable remove) {
    if (!recorded) {
      remove.run();
      throw new RetrieverException(Reason.CANCELLED, "the run was stopped");
    }
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  private static TagSpecification tagged(ResourceType type, List<Tag> tags, Tag extra) {
    List<Tag> all = new ArrayList<>(tags);
    if (extra != null) {
      all.add(extra);
    }
    return TagSpecification.builder().resourceType(type).tags(all).build();
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
    private Duration timeLimit = Duration.ofMinutes(60);
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

    /** Sets how long an instance may live before it powers itself off; default 60 minutes. */
    public Builder timeLimit(Duration timeLimit) {
      this.timeLimit = timeLimit;
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
      if (timeLimit.isNegative() || timeLimit.toMinutes() < 1) {
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
