package io.retriever.bench.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-field statistics of a profile: mean, median, p90, max and first. */
public final class Summary {
  private Summary() {}

  /** Returns, for every numeric field of {@code samples}, its statistics. */
  public static Map<String, Map<String, Double>> of(List<Map<String, Object>> samples) {
    Map<String, List<Double>> columns = new LinkedHashMap<>();
    for (Map<String, Object> sample : samples) {
      sample.forEach(
          (field, value) -> {
            if (value instanceof Number n) {
              columns.computeIfAbsent(field, k -> new ArrayList<>()).add(n.doubleValue());
            }
          });
    }
    Map<String, Map<String, Double>> summary = new LinkedHashMap<>();
    columns.forEach((field, values) -> summary.put(field, stats(values)));
    return summary;
  }

  /** Returns mean, median, p90, max and first of {@code values}. */
  public static Map<String, Double> stats(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    Map<String, Double> stats = new LinkedHashMap<>();
    stats.put("mean", SystemProbe.round(values.stream().mapToDouble(d -> d).average().orElse(0)));
    stats.put("median", percentile(sorted, 50));
    stats.put("p90", percentile(sorted, 90));
    stats.put("max", sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1));
    stats.put("first", values.isEmpty() ? 0 : values.get(0));
    return stats;
  }

  /** Returns the {@code p}th percentile of sorted values, by linear interpolation. */
  public static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    double rank = p / 100 * (sorted.size() - 1);
    int low = (int) Math.floor(rank);
    int high = (int) Math.ceil(rank);
    double value = sorted.get(low) + (rank - low) * (sorted.get(high) - sorted.get(low));
    return SystemProbe.round(value);
  }
}
