package io.retriever.cli;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.bench.ec2.Ec2Bench;
import io.retriever.bench.ec2.Ec2Report;
import io.retriever.bench.ec2.Plan;
import java.io.Console;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code retriever bench ec2}: launches the instance types to compare, runs {@code retriever bench}
 * on each, collects the results through S3 into one report, and removes what it created, also on
 * Ctrl-C.
 */
@Command(
    name = "ec2",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    subcommands = Ec2CleanupCommand.class,
    description = {
      "Runs retriever bench on EC2 instances of each type given, in the source's region, and"
          + " merges their results into one report (report.md, in S3 and in --out).",
      "Finds the default VPC (or uses --subnet), a zone offering each type, the current Amazon"
          + " Linux AMI; checks the buckets, the source, the caller's permissions and the vCPU"
          + " quotas; creates a security group without inbound rules and, per type, a role and"
          + " instance profile that may read the source and write that type's results, all"
          + " tagged with the run id and an expiry; instances download to instance storage, an"
          + " EBS volume or memory (--to), report their log to S3 on exit, and power themselves"
          + " off after their turn's --time-limit. Everything is removed at the end, on failure"
          + " and on Ctrl-C; 'retriever bench ec2 cleanup' removes what a killed run left.",
      "Prints the plan, its problems and its cost first, and creates nothing while it has"
          + " problems, nor without --yes or a yes on the terminal."
    })
final class Ec2Command implements Callable<Integer> {
  @Option(
      names = "--instance-types",
      split = ",",
      paramLabel = "TYPE",
      description = "Instance types to compare, e.g. m5n.2xlarge,c6in.2xlarge.")
  List<String> instanceTypes = new ArrayList<>();

  @Option(
      names = "--source",
      paramLabel = "s3://BUCKET/PREFIX",
      description = "What each instance downloads, in --region.")
  String source;

  @Option(
      names = "--results",
      paramLabel = "s3://BUCKET/PREFIX",
      description = "Where results go, below a prefix of the run's id.")
  String results;

  @Option(
      names = "--impl",
      split = ",",
      description = "Implementations, as retriever bench takes them (default: bench's).")
  List<String> impls = new ArrayList<>();

  @Option(names = "--peer", paramLabel = "NAME=COMMAND", description = "As retriever bench.")
  List<String> peers = new ArrayList<>();

  @Option(names = "--sweep", paramLabel = "SETTING=V1,V2", description = "As retriever bench.")
  List<String> sweeps = new ArrayList<>();

  @Option(names = "--runs", description = "Measured repetitions (default: bench's).")
  Integer runs;

  @Option(names = "--warmup", description = "Warm-up runs (default: bench's).")
  Integer warmup;

  @Option(names = "--no-sign-request", description = "Read the source unsigned (public buckets).")
  boolean anonymous;

  @Option(
      names = "--subnet",
      paramLabel = "SUBNET_ID",
      description =
          "Launch in this subnet (default: the default VPC's, in a zone offering each type).")
  String subnet;

  @Option(names = "--key-name", description = "A key pair to log in with (default: none).")
  String keyName;

  @Option(
      names = "--instance-profile",
      paramLabel = "NAME",
      description = "Use this instance profile (default: one created for the run).")
  String instanceProfile;

  @Option(
      names = "--time-limit",
      paramLabel = "MINUTES",
      description =
          "How long each type's turn may take, from its start to its results (default: derived"
              + " from the source's size, the downloads per type and the slowest NIC; the plan"
              + " says which). An instance powers itself off (and terminates) once the turns up"
              + " to its own are over.")
  Long timeLimitMinutes;

  @Option(
      names = "--to",
      paramLabel = "disk|memory",
      description =
          "Where the instances download: disk (the type's instance storage, else an EBS volume"
              + " provisioned for the data) or memory (a tmpfs: the network alone)"
              + " (default: ${DEFAULT-VALUE}).")
  String to = "disk";

  @Option(
      names = "--jar",
      paramLabel = "FILE",
      description = "The retriever jar to stage for the instances (default: the one running).")
  Path jar;

  @Option(
      names = "--jar-url",
      paramLabel = "URL",
      description = "An https:// URL the instances fetch the jar from instead.")
  String jarUrl;

  @Option(
      names = "--parallel-measure",
      description =
          "Measure on every instance at once (default: one type at a time; parallel runs against"
              + " one bucket provoke 503s).")
  boolean parallelMeasure;

  @Option(names = "--dry-run", description = "Print the plan and its cost; create nothing.")
  boolean dryRun;

  @Option(names = "--yes", description = "Create what the plan says without asking.")
  boolean yes;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where the merged report goes too (default: the current directory).")
  Path out = Path.of(".");

  @Option(
      names = "--poll-seconds",
      hidden = true,
      description = "How often the runner and the instances look for progress.")
  double pollSeconds = 10;

  @Mixin Ec2Options aws;

  @Override
  public Integer call() throws Exception {
    if (instanceTypes.isEmpty() || source == null || results == null) {
      throw new ParameterException(
          aws.command.commandLine(), "give --instance-types, --source and --results");
    }
    PrintStream log = System.out;
    Ec2Bench.Builder builder =
        Ec2Bench.builder()
            .region(aws.region())
            .endpoint(aws.endpoint())
            .instanceTypes(instanceTypes)
            .source(source)
            .results(results)
            .subnet(subnet)
            .keyName(keyName)
            .instanceProfile(instanceProfile)
            .timeLimit(timeLimitMinutes == null ? null : Duration.ofMinutes(timeLimitMinutes))
            .downloadsPerType(downloadsPerType())
            .toMemory(toMemory())
            .sourceUnsigned(anonymous)
            .benchArguments(benchArguments())
            .parallelMeasure(parallelMeasure)
            .pollInterval(Duration.ofMillis((long) (pollSeconds * 1000)))
            .out(out)
            .log(log)
            .confirmation(plan -> yes || askOnTerminal());
    if (jarUrl != null) {
      builder.jarUrl(jarUrl);
    } else {
      builder.jar(jar != null ? jar : runningJar());
    }
    try (Ec2Bench bench = build(builder)) {
      Plan plan = bench.plan();
      if (dryRun) {
        plan.describe().forEach(log::println);
        if (!plan.problems().isEmpty()) {
          log.println(
              "Dry run: nothing was created; the plan has "
                  + plan.problems().size()
                  + " problem(s), listed above.");
          return ExitCode.FAILURE;
        }
        log.println("Dry run: nothing was created.");
        return ExitCode.OK;
      }
      Thread stop =
          new Thread(
              () -> {
                GetCommand.interrupted = true;
                List<String> left = bench.abort();
                System.err.println(
                    left.isEmpty()
                        ? "interrupted; terminated the instances and removed what run "
                            + bench.runId()
                            + " created"
                        : "interrupted; could not remove "
                            + left
                            + ": retriever bench ec2 cleanup --run "
                            + bench.runId());
              },
              "retriever-ec2-interrupt");
      Runtime.getRuntime().addShutdownHook(stop);
      Ec2Report report;
      try {
        report = bench.run(plan);
      } catch (IllegalStateException notConfirmed) {
        throw new RetrieverException(Reason.INVALID, notConfirmed.getMessage(), notConfirmed);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(stop);
        } catch (IllegalStateException shuttingDown) {
          // The hook is running: it finishes the clean-up.
        }
      }
      log.println();
      log.print(report.markdown());
      log.println("Report: " + out.resolve("report.md").toAbsolutePath());
      return report.failures().isEmpty() ? ExitCode.OK : ExitCode.FAILURE;
    }
  }

  private static Ec2Bench build(Ec2Bench.Builder builder) {
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new RetrieverException(Reason.INVALID, e.getMessage(), e);
    }
  }

  /** Returns the arguments of retriever bench on each instance, besides the source. */
  private List<String> benchArguments() {
    List<String> args = new ArrayList<>();
    if (!impls.isEmpty()) {
      args.addAll(List.of("--impl", String.join(",", impls)));
    }
    peers.forEach(p -> args.addAll(List.of("--peer", p)));
    sweeps.forEach(s -> args.addAll(List.of("--sweep", s)));
    if (runs != null) {
      args.addAll(List.of("--runs", runs.toString()));
    }
    if (warmup != null) {
      args.addAll(List.of("--warmup", warmup.toString()));
    }
    return args;
  }

  /**
   * Returns how often each type downloads the source: implementations × settings × (runs +
   * warm-ups), with {@code retriever bench}'s own defaults for what is not given.
   */
  private int downloadsPerType() {
    BenchCommand bench = new BenchCommand();
    int implementations = (impls.isEmpty() ? bench.impls.size() : impls.size()) + peers.size();
    int settings = 1;
    for (String sweep : sweeps) {
      settings *= sweep.substring(sweep.indexOf('=') + 1).split(",").length;
    }
    return implementations
        * settings
        * ((runs == null ? bench.runs : runs) + (warmup == null ? bench.warmup : warmup));
  }

  private boolean toMemory() {
    return switch (to) {
      case "memory" -> true;
      case "disk" -> false;
      default ->
          throw new ParameterException(
              aws.command.commandLine(), "--to takes disk or memory, not '" + to + "'");
    };
  }

  /** Asks on the terminal; without one, the answer is no. */
  private static boolean askOnTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    String answer = console.readLine("Create these resources and run? [y/N] ");
    return answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT));
  }

  /** Returns the jar this command runs from, which the instances run too. */
  private static Path runningJar() {
    Path location;
    try {
      location =
          Path.of(Ec2Command.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      location = null;
    }
    if (location == null || !Files.isRegularFile(location)) {
      throw new RetrieverException(
          Reason.INVALID,
          "this command does not run from a jar: pass --jar retriever-cli/target/retriever.jar"
              + " (built by mvn package) or --jar-url");
    }
    return location;
  }
}
