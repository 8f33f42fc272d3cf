package io.retriever.cli;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.bench.ec2.Cleanup;
import io.retriever.bench.ec2.Ec2Bench;
import io.retriever.bench.ec2.LeftoverRun;
import java.io.Console;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code retriever bench ec2 cleanup}: removes, by tag, what runs left behind; by default only the
 * runs whose expiry has passed, so that a colleague's run in progress is never touched unasked.
 */
@Command(
    name = "cleanup",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Finds by the retriever:run tag what runs of retriever bench ec2 left behind, lists it, and"
          + " then terminates the instances and deletes the security groups, roles, instance"
          + " profiles and the jar and signals the run staged (the results stay).",
      "Without --run or --all, only runs whose retriever:expires tag has passed: a run in"
          + " progress (a colleague's, in a shared account) is left alone.",
      "Asks before removing anything, unless --yes."
    })
final class Ec2CleanupCommand implements Callable<Integer> {
  @Option(names = "--run", paramLabel = "ID", description = "Remove this run's leftovers.")
  String runId;

  @Option(
      names = "--all",
      description = "Remove every run's leftovers, including runs still in progress.")
  boolean all;

  @Option(names = "--yes", description = "Remove what is listed without asking.")
  boolean yes;

  @Mixin Ec2Options aws;

  @Override
  public Integer call() {
    if (all && runId != null) {
      throw new picocli.CommandLine.ParameterException(
          aws.command.commandLine(), "give --run ID or --all, not both");
    }
    PrintStream out = System.out;
    try (Ec2Bench bench =
        Ec2Bench.builder().region(aws.region()).endpoint(aws.endpoint()).log(out).build()) {
      Instant now = Instant.now();
      List<LeftoverRun> found = bench.leftovers();
      List<LeftoverRun> chosen =
          found.stream()
              .filter(r -> all || (runId != null ? r.runId().equals(runId) : r.expired(now)))
              .toList();
      if (chosen.isEmpty()) {
        out.println(nothing(found, now));
        return ExitCode.OK;
      }
      out.println("Left by " + chosen.size() + " run(s):");
      chosen.forEach(r -> out.println("  " + r.describe(now)));
      List<String> inProgress =
          chosen.stream().filter(r -> !r.expired(now)).map(LeftoverRun::runId).toList();
      String question =
          inProgress.isEmpty()
              ? "Remove all of this? [y/N] "
              : "Run(s) "
                  + String.join(", ", inProgress)
                  + " may still be in progress: their instances will be terminated. Remove all"
                  + " of this? [y/N] ";
      if (!yes && !askOnTerminal(question)) {
        throw new RetrieverException(
            Reason.INVALID, "nothing was removed: answer yes, or pass --yes to remove it");
      }
      Cleanup cleanup = bench.cleanup(chosen);
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

  /** Returns the line that says nothing is to be removed, and what is left alone. */
  private String nothing(List<LeftoverRun> found, Instant now) {
    if (runId != null) {
      return "Nothing left by run " + runId + ".";
    }
    if (found.isEmpty()) {
      return "Nothing left.";
    }
    return "Nothing expired. Left alone, as they may be in progress: "
        + String.join(
            ", ",
            found.stream()
                .map(r -> r.runId() + (r.expires() == null ? "" : " (expires " + r.expires() + ")"))
                .toList())
        + "; --run ID or --all removes them.";
  }

  /** Asks on the terminal; without one, the answer is no. */
  private static boolean askOnTerminal(String question) {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    String answer = console.readLine(question);
    return answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT));
  }
}
