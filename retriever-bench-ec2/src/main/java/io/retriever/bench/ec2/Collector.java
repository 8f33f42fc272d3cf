package io.retriever.bench.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.bench.ec2.internal.Layout;
import io.retriever.bench.ec2.internal.ReportCharts;
import io.retriever.bench.ec2.internal.ReportMerger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Collects what every instance left in S3 into one report, and writes the report and its charts
 * beside the results (and into a local directory, if the run was given one).
 *
 * <p>Thread safety: confined to the thread of {@link Ec2Bench#run}.
 */
final class Collector {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final S3Client s3;
  private final Layout layout;
  private final RunObjects objects;
  private final String runId;
  private final Path out;

  /**
   * @param out a local directory for the report, or null to keep it only in S3
   */
  Collector(S3Client s3, Layout layout, RunObjects objects, String runId, Path out) {
    this.s3 = s3;
    this.layout = layout;
    this.objects = objects;
    this.runId = runId;
    this.out = out;
  }

  /**
   * Merges every type's results into a report, adding to {@code failures} the types whose bench
   * failed, and writes the report; returns it.
   */
  Ec2Report report(Plan plan, Map<String, String> failures, Map<String, List<String>> lastLines)
      throws IOException {
    Ec2Report report = collect(plan, failures, lastLines);
    String markdown = report.markdown();
    s3.putObject(
        b -> b.bucket(layout.bucket()).key(layout.reportKey()), RequestBody.fromString(markdown));
    Map<String, byte[]> charts =
        report.rows().isEmpty() ? Map.of() : ReportCharts.render(report.rows());
    charts.forEach(
        (name, png) ->
            s3.putObject(
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

  private Ec2Report collect(
      Plan plan, Map<String, String> failures, Map<String, List<String>> lastLines)
      throws IOException {
    List<ReportRow> rows = new ArrayList<>();
    for (InstancePlan i : plan.instances()) {
      String type = i.instanceType();
      if (failures.containsKey(type)) {
        continue;
      }
      JsonNode done = JSON.readTree(objects.read(layout.doneKey(type)));
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
        String benchLog = layout.typePrefix(type) + "bench.log";
        if (objects.exists(benchLog)) {
          List<String> lines = objects.read(benchLog).lines().filter(l -> !l.isBlank()).toList();
          lastLines.put(
              type, lines.subList(Math.max(0, lines.size() - InstanceReport.LINES), lines.size()));
        }
        continue;
      }
      if (!objects.exists(layout.resultsKey(type))) {
        failures.put(type, "the instance uploaded no results.jsonl");
        continue;
      }
      List<ReportRow> typeRows = ReportMerger.rows(i, objects.read(layout.resultsKey(type)));
      if (typeRows.isEmpty()) {
        failures.put(type, "no run succeeded");
      }
      rows.addAll(typeRows);
    }
    return new Ec2Report(runId, plan, rows, failures, lastLines);
  }
}
