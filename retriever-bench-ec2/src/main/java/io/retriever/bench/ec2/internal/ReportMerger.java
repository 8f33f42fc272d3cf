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
                    median(runs.stream().mapToDouble(ReportMerger::gbps).toArray()),
                    instance.nicPeakGbps(),
                    median(
                        runs.stream()
                            .mapToDouble(r -> r.path("cpu_s_per_gib").asDouble())
                            .toArray()),
                    median(
                        runs.stream()
                            .mapToDouble(r -> r.path("peak_rss_mib").asDouble())
                            .toArray()))));
    rows.sort(
        Comparator.comparing((ReportRow r) -> !r.impl().startsWith("retriever"))
            .thenComparing(ReportRow::impl));
    return rows;
  }

  /** Returns a run's Gbit/s from its bytes and wall time: the rounded rate loses small runs. */
  private static double gbps(JsonNode run) {
    double wall = run.path("wall_s").asDouble();
    return wall <= 0 ? 0 : run.path("bytes").asLong() * 8 / wall / 1e9;
  }

  private static double median(double[] values) {
    java.util.Arrays.sort(values);
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
}
