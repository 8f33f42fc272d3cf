package io.retriever.cli;

import io.retriever.bench.ec2.Cleanup;
import io.retriever.bench.ec2.Ec2Bench;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code retriever bench ec2 cleanup}: removes, by tag, what a killed run left behind. */
@Command(
    name = "cleanup",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Finds by the retriever:run tag what runs of retriever bench ec2 left behind, terminates"
          + " the instances and deletes the security groups, instance profiles and roles.",
      "With --run and --results, also the jar the run staged in S3; the results stay."
    })
final class Ec2CleanupCommand implements Callable<Integer> {
  @Option(
      names = "--run",
      paramLabel = "ID",
      description = "The run to clean up (default: every run's leftovers).")
  String runId;

  @Option(
      names = "--results",
      paramLabel = "s3://BUCKET/PREFIX",
      description = "The results location the run was given.")
  String results;

  @Mixin Ec2Options aws;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    Cleanup cleanup;
    try (Ec2Bench bench =
        Ec2Bench.builder().region(aws.region()).endpoint(aws.endpoint()).log(out).build()) {
      cleanup = bench.cleanup(runId, results);
    }
    if (cleanup.nothingFound()) {
      out.println("Nothing left" + (runId == null ? "" : " by run " + runId) + ".");
      return ExitCode.OK;
    }
    out.printf(
        Locale.ROOT,
        "Removed %d instance(s), %d security group(s), %d instance profile(s), %d role(s),"
            + " %d staged object(s).%n",
        cleanup.instanceIds().size(),
        cleanup.securityGroupIds().size(),
        cleanup.instanceProfiles().size(),
        cleanup.roles().size(),
        cleanup.stagedObjects().size());
    if (!cleanup.failures().isEmpty()) {
      System.err.println("retriever: could not remove: " + String.join("; ", cleanup.failures()));
      return ExitCode.FAILURE;
    }
    return ExitCode.OK;
  }
}
