package io.retriever.bench.ec2.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.bench.ec2.InstancePlan;
import io.retriever.bench.ec2.ReportRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns each instance type's {@code results.jsonl} (one line per run) into report rows. */
public final class ReportMerger {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportMerger() {}

  /** Returns the rows of one instance type: medians per implementation and setting. */
  public static List<ReportRow> rows(InstancePlan instance, String resultsJsonl) {
    Map<String, List<JsonNode>> groups = new LinkedHashMap<>();
    Map<String, Map<String, String>> settingsOf = new LinkedHashMap<>();
    for (String line : resultsJsonl.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode run;
      try {
        run = JSON.readTree(line);
      } catch (IOException e) {
        throw new UncheckedIOException("not a result line: " + line, e);
      }
      if (!run.path("ok").asBoolean(false)) {
        continue;
      }
      Map<String, String> settings = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = run.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getKey().startsWith("setting_")) {
          settings.put(field.getKey().substring("setting_".length()), field.getValue().asText());
        }
      }
      String key = run.path("impl").asText() + " " + settings;
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(run);
      settingsOf.put(key, settings);
    }
    List<ReportRow> rows = new ArrayList<>();
    groups.forEach(
        (key, runs) ->
            rows.add(
                new ReportRow(
                    instance.instanceType(),
                    runs.get(0).path("impl").asText(),
                    settingsOf.get(key),
                    runs.size(),
                    median(runs, "throughput_gbps"),
                    instance.nicPeakGbps(),
                    median(runs, "cpu_s_per_gib"),
                    median(runs, "peak_rss_mib"))));
    rows.sort(
        Comparator.comparing((ReportRow r) -> !r.impl().startsWith("retriever"))
            .thenComparing(ReportRow::impl));
    return rows;
  }

  private static double median(List<JsonNode> runs, String field) {
    double[] values = runs.stream().mapToDouble(r -> r.path(field).asDouble()).sorted().toArray();
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
}
