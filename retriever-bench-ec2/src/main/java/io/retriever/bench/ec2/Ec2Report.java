package io.retriever.bench.ec2;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The merged results of a run: a row per instance type, implementation and setting, and why a type
 * has no results when it has none.
 *
 * @param runId the run
 * @param plan the plan it ran
 * @param rows in the plan's order of instance types, Retriever first within each
 * @param failures per instance type without results, why
 * @param lastLines per instance type without results, the last lines its instance or bench left
 */
public record Ec2Report(
    String runId,
    Plan plan,
    List<ReportRow> rows,
    Map<String, String> failures,
    Map<String, List<String>> lastLines) {

  public Ec2Report {
    rows = List.copyOf(rows);
    failures = Map.copyOf(failures);
    lastLines = Map.copyOf(lastLines);
  }

  /**
   * Returns the report as a Markdown page: the table, its charts ({@code throughput.png} and {@code
   * cpu.png} beside the page), then the types that gave no results.
   */
  public String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# retriever bench ec2: run ").append(runId).append("\n\n");
    md.append("Source `").append(plan.source()).append("` in ").append(plan.region());
    md.append("; bench arguments `").append(String.join(" ", plan.benchArguments())).append("`.");
    md.append(" Medians of the successful runs; Gbit/s is bytes delivered over the wall time of");
    md.append(" the process; \"of NIC\" is that over the type's rated peak bandwidth.\n\n");
    md.append("| instance type | NIC | implementation | settings | runs | Gbit/s | of NIC |")
        .append(" vs best Retriever | CPU-s/GiB | peak RSS MiB |\n");
    md.append("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    Map<String, InstancePlan> instances =
        plan.instances().stream()
            .collect(Collectors.toMap(InstancePlan::instanceType, i -> i, (a, b) -> a));
    for (ReportRow row : rows) {
      double best =
          rows.stream()
              .filter(r -> r.instanceType().equals(row.instanceType()))
              .filter(r -> r.impl().startsWith("retriever"))
              .mapToDouble(ReportRow::gbps)
              .max()
              .orElse(0);
      InstancePlan instance = instances.get(row.instanceType());
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %d | %.2f | %s | %s | %.2f | %.0f |%n",
              row.instanceType(),
              instance == null ? "" : instance.nicRating(),
              row.impl(),
              row.settings().isEmpty()
                  ? ""
                  : new TreeMap<>(row.settings())
                      .entrySet().stream()
                          .map(e -> e.getKey() + "=" + e.getValue())
                          .collect(Collectors.joining(" ")),
              row.runs(),
              row.gbps(),
              Double.isNaN(row.fractionOfNic())
                  ? "n/a"
                  : String.format(Locale.ROOT, "%.0f %%", 100 * row.fractionOfNic()),
              best <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2f×", row.gbps() / best),
              row.cpuSecondsPerGib(),
              row.peakRssMib()));
    }
    if (!rows.isEmpty()) {
      md.append("\n![Effective throughput](throughput.png)\n\n");
      md.append("![CPU seconds per GiB](cpu.png)\n");
    }
    md.append("\nWhere each type's downloads landed:\n\n");
    for (InstancePlan i : plan.instances()) {
      md.append("- ").append(i.instanceType()).append(": ").append(i.storage().describe());
      md.append('\n');
    }
    if (!failures.isEmpty()) {
      md.append("\nNo results:\n\n");
      new TreeMap<>(failures)
          .forEach(
              (type, why) -> {
                md.append("- ").append(type).append(": ").append(why).append('\n');
                List<String> lines = lastLines.getOrDefault(type, List.of());
                if (!lines.isEmpty()) {
                  md.append("\n  ```\n");
                  lines.forEach(line -> md.append("  ").append(line).append('\n'));
                  md.append("  ```\n\n");
                }
              });
    }
    return md.toString();
  }
}
