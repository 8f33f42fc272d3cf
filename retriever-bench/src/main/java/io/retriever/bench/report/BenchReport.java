package io.retriever.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.bench.profile.Summary;
import io.retriever.bench.run.RunResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes a benchmark's results: {@code results.jsonl} and {@code results.csv} (one row per run),
 * {@code summary.json} (medians and ratios), PNG charts, and {@code report.html}, a page that holds
 * everything (charts inlined) and opens offline.
 */
public final class BenchReport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WIDTH = 900;
  private static final int HEIGHT = 420;
  private static final Color GRID = new Color(0xDDDDDD);

  /** Distinct colours that stay readable on white. */
  private static final Color[] PALETTE = {
    new Color(0x1F77B4), new Color(0xD62728), new Color(0x2CA02C), new Color(0xFF7F0E),
    new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F),
    new Color(0xBCBD22), new Color(0x17BECF)
  };

  private final Path out;
  private final List<RunResult> results;
  private final Map<String, String> context;
  private final List<String> charts = new ArrayList<>();

  /**
   * @param context what was measured and how (scenario, server settings, machine, command), shown
   *     at the top of the page
   */
  public BenchReport(Path out, List<RunResult> results, Map<String, String> context) {
    this.out = out;
    this.results = List.copyOf(results);
    this.context = new LinkedHashMap<>(context);
  }

  /** Writes every output and returns the page's path. */
  public Path write() throws IOException {
    System.setProperty("java.awt.headless", "true");
    writeRows();
    Map<String, Map<String, Double>> medians = medians();
    Map<String, Map<String, Double>> ratios = ratios(medians);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("context", context);
    summary.put("medians", medians);
    summary.put("ratios_of_best_retriever_to", ratios);
    Files.writeString(
        out.resolve("summary.json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
    barChart("throughput", "Effective throughput (median)", "MiB/s", medians, "throughput_mibps");
    barChart(
        "cpu",
        "CPU seconds per GiB (median, whole process)",
        "CPU s / GiB",
        medians,
        "cpu_s_per_gib");
    barChart("rss", "Peak RSS (median)", "MiB", medians, "peak_rss_mib");
    timeline("timeline-cpu", "Process CPU over time (median run)", "CPU %", "cpu_process_pct");
    timeline("timeline-rss", "Process RSS over time (median run)", "MiB", "rss_mib");
    timeline(
        "timeline-net",
        "Network receive rate over time (median run, all interfaces)",
        "Gbit/s",
        "net_rx_gbps");
    sweepCharts();
    Path page = out.resolve("report.html");
    Files.writeString(page, html(medians, ratios));
    return page;
  }

  private void writeRows() throws IOException {
    List<Map<String, Object>> rows = results.stream().map(RunResult::fields).toList();
    StringBuilder jsonl = new StringBuilder();
    for (Map<String, Object> row : rows) {
      jsonl.append(JSON.writeValueAsString(row)).append('\n');
    }
    Files.writeString(out.resolve("results.jsonl"), jsonl);
    Set<String> columns = new LinkedHashSet<>();
    rows.forEach(row -> columns.addAll(row.keySet()));
    StringBuilder csv = new StringBuilder(String.join(",", columns)).append('\n');
    for (Map<String, Object> row : rows) {
      csv.append(columns.stream().map(c -> csv(row.get(c))).collect(Collectors.joining(",")))
          .append('\n');
    }
    Files.writeString(out.resolve("results.csv"), csv);
  }

  private static String csv(Object value) {
    if (value == null) {
      return "";
    }
    String s = value.toString();
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }

  /** Returns, per implementation in first-seen order, the median of each figure over good runs. */
  Map<String, Map<String, Double>> medians() {
    Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
    for (String impl : implementations()) {
      List<RunResult> good = good(impl);
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("ok_runs", (double) good.size());
      m.put("runs", (double) results.stream().filter(r -> r.impl().equals(impl)).count());
      m.put("throughput_mibps", median(good, RunResult::mibPerSecond));
      m.put("throughput_gbps", median(good, RunResult::gbitPerSecond));
      m.put("objects_per_s", median(good, RunResult::objectsPerSecond));
      m.put("wall_s", median(good, RunResult::wallSeconds));
      m.put("cpu_s", median(good, RunResult::cpuSeconds));
      m.put("cpu_s_per_gib", median(good, RunResult::cpuSecondsPerGib));
      m.put("peak_rss_mib", median(good, RunResult::peakRssMib));
      medians.put(impl, m);
    }
    return medians;
  }

  /** Ratios of the fastest Retriever variant to every other implementation. */
  private Map<String, Map<String, Double>> ratios(Map<String, Map<String, Double>> medians) {
    String best =
        medians.entrySet().stream()
            .filter(e -> e.getKey().startsWith("retriever") && e.getValue().get("ok_runs") > 0)
            .max(
                (a, b) ->
                    Double.compare(
                        a.getValue().get("throughput_mibps"), b.getValue().get("throughput_mibps")))
            .map(Map.Entry::getKey)
            .orElse(null);
    Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
    if (best == null) {
      return ratios;
    }
    Map<String, Double> ours = medians.get(best);
    medians.forEach(
        (impl, m) -> {
          if (impl.equals(best) || m.get("ok_runs") == 0) {
            return;
          }
          Map<String, Double> r = new LinkedHashMap<>();
          r.put("throughput_x", div(ours.get("throughput_mibps"), m.get("throughput_mibps")));
          r.put("objects_per_s_x", div(ours.get("objects_per_s"), m.get("objects_per_s")));
          r.put("cpu_s_per_gib_x", div(ours.get("cpu_s_per_gib"), m.get("cpu_s_per_gib")));
          r.put("peak_rss_x", div(ours.get("peak_rss_mib"), m.get("peak_rss_mib")));
          ratios.put(impl, r);
        });
    context.put("compared", best);
    return ratios;
  }

  private static double div(double a, double b) {
    return b == 0 ? 0 : Math.round(a / b * 100) / 100.0;
  }

  private List<String> implementations() {
    return results.stream().map(RunResult::impl).distinct().toList();
  }

  private List<RunResult> good(String impl) {
    return results.stream().filter(r -> r.impl().equals(impl) && r.ok()).toList();
  }

  private static double median(List<RunResult> runs, ToDoubleFunction<RunResult> figure) {
    List<Double> values = runs.stream().map(r -> figure.applyAsDouble(r)).sorted().toList();
    return Summary.percentile(values, 50);
  }

  private void barChart(
      String name,
      String title,
      String unit,
      Map<String, Map<String, Double>> medians,
      String figure)
      throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    medians.forEach((impl, m) -> data.addValue(m.get(figure), unit, impl));
    JFreeChart chart =
        ChartFactory.createBarChart(
            title, null, unit, data, PlotOrientation.HORIZONTAL, false, false, false);
    save(name, chart);
  }

  /**
   * Overlays one profile field over time, from the median-throughput run of each implementation.
   */
  private void timeline(String name, String title, String unit, String field) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (String impl : implementations()) {
      List<RunResult> good = new ArrayList<>(good(impl));
      if (good.isEmpty()) {
        continue;
      }
      good.sort((a, b) -> Double.compare(a.mibPerSecond(), b.mibPerSecond()));
      RunResult median = good.get(good.size() / 2);
      XYSeries series = new XYSeries(impl);
      for (String line : Files.readAllLines(out.resolve(median.profile()))) {
        Map<?, ?> sample = JSON.readValue(line, Map.class);
        if (sample.get(field) instanceof Number v && sample.get("t_s") instanceof Number t) {
          series.add(t.doubleValue(), v.doubleValue());
        }
      }
      data.addSeries(series);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, "seconds", unit, data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    for (int i = 0; i < data.getSeriesCount(); i++) {
      plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
    }
    save(name, chart);
  }

  private void sweepCharts() throws IOException {
    Set<String> keys = new LinkedHashSet<>();
    results.forEach(r -> keys.addAll(r.settings().keySet()));
    for (String key : keys) {
      DefaultCategoryDataset throughput = new DefaultCategoryDataset();
      DefaultCategoryDataset cpu = new DefaultCategoryDataset();
      Map<String, List<RunResult>> byValue =
          results.stream()
              .filter(r -> r.ok() && r.settings().containsKey(key))
              .collect(
                  Collectors.groupingBy(
                      r -> r.settings().get(key), LinkedHashMap::new, Collectors.toList()));
      byValue.forEach(
          (value, runs) -> {
            throughput.addValue(median(runs, RunResult::mibPerSecond), "MiB/s", value);
            cpu.addValue(median(runs, RunResult::cpuSecondsPerGib), "CPU s/GiB", value);
          });
      save(
          "sweep-" + key + "-throughput",
          ChartFactory.createLineChart(
              "Throughput against " + key + " (median over the other settings)",
              key,
              "MiB/s",
              throughput,
              PlotOrientation.VERTICAL,
              false,
              false,
              false));
      save(
          "sweep-" + key + "-cpu",
          ChartFactory.createLineChart(
              "CPU per GiB against " + key + " (median over the other settings)",
              key,
              "CPU s/GiB",
              cpu,
              PlotOrientation.VERTICAL,
              false,
              false,
              false));
    }
  }

  private void save(String name, JFreeChart chart) throws IOException {
    chart.setBackgroundPaint(Color.WHITE);
    Plot plot = chart.getPlot();
    plot.setBackgroundPaint(Color.WHITE);
    if (plot instanceof XYPlot xy) {
      xy.setDomainGridlinePaint(GRID);
      xy.setRangeGridlinePaint(GRID);
      for (int i = 0; i < PALETTE.length; i++) {
        xy.getRenderer().setSeriesPaint(i, PALETTE[i]);
      }
    } else if (plot instanceof CategoryPlot category) {
      category.setRangeGridlinePaint(GRID);
      category.getRenderer().setSeriesPaint(0, PALETTE[0]);
      if (category.getRenderer() instanceof BarRenderer bars) {
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
      }
    }
    Path file = out.resolve(name + ".png");
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    charts.add(name);
  }

  private String html(
      Map<String, Map<String, Double>> medians, Map<String, Map<String, Double>> ratios) {
    StringBuilder h =
        new StringBuilder(
            "<!doctype html><html><head><meta charset=\"utf-8\">"
                + "<title>Retriever benchmark</title><style>body{font-family:sans-serif;max-width:960px;"
                + "margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}"
                + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                + "th:first-child,td:first-child{text-align:left}img{max-width:100%}</style></head><body>"
                + "<h1>Retriever benchmark</h1><table>");
    context.forEach(
        (k, v) ->
            h.append("<tr><th>")
                .append(escape(k))
                .append("</th><td>")
                .append(escape(v))
                .append("</td></tr>"));
    h.append("</table><h2>Medians</h2>").append(table(medians));
    if (!ratios.isEmpty()) {
      h.append("<h2>Ratios of ")
          .append(escape(context.get("compared")))
          .append(" to each peer</h2>")
          .append(table(ratios));
    }
    h.append("<h2>Charts</h2>");
    for (String chart : charts) {
      try {
        String png =
            Base64.getEncoder().encodeToString(Files.readAllBytes(out.resolve(chart + ".png")));
        h.append("<p><img alt=\"")
            .append(chart)
            .append("\" src=\"data:image/png;base64,")
            .append(png)
            .append("\"></p>");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    h.append(
        "<h2>Runs</h2><table><tr><th>impl</th><th>run</th><th>MiB/s</th><th>obj/s</th>"
            + "<th>wall s</th><th>CPU s</th><th>CPU s/GiB</th><th>peak RSS MiB</th><th>ok</th></tr>");
    for (RunResult r : results) {
      h.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td>%d</td><td>%.1f</td><td>%.1f</td>"
                  + "<td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.0f</td><td>%s</td></tr>",
              escape(r.impl()),
              r.run(),
              r.mibPerSecond(),
              r.objectsPerSecond(),
              r.wallSeconds(),
              r.cpuSeconds(),
              r.cpuSecondsPerGib(),
              r.peakRssMib(),
              r.ok() ? "yes" : escape(r.error())));
    }
    return h.append("</table></body></html>\n").toString();
  }

  private static String table(Map<String, Map<String, Double>> rows) {
    Set<String> columns = new LinkedHashSet<>();
    rows.values().forEach(m -> columns.addAll(m.keySet()));
    StringBuilder t = new StringBuilder("<table><tr><th></th>");
    columns.forEach(c -> t.append("<th>").append(escape(c)).append("</th>"));
    t.append("</tr>");
    rows.forEach(
        (name, m) -> {
          t.append("<tr><td>").append(escape(name)).append("</td>");
          columns.forEach(
              c -> t.append(String.format(Locale.ROOT, "<td>%.2f</td>", m.getOrDefault(c, 0.0))));
          t.append("</tr>");
        });
    return t.append("</table>").toString();
  }

  private static String escape(String s) {
    return s == null
        ? ""
        : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
