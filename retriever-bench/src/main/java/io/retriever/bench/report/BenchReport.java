package io.retriever.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.bench.profile.Summary;
import io.retriever.bench.run.BenchmarkRunner;
import io.retriever.bench.run.RunResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
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
    Map<String, Map<String, Number>> medians = medians();
    Map<String, Map<String, Number>> ratios = ratios(medians);
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
    // The kernel counts network bytes per interface, not per process: this is every process's
    // traffic (other users', the embedded server's), and says what the machine's network did.
    timeline(
        "timeline-net",
        "Machine-wide network receive rate (all interfaces, all processes; median run's time)",
        "Gbit/s",
        "net_machine_rx_gbps");
    // What the process itself received, by the download's own count of its bytes.
    pipelineTimeline(
        "timeline-received",
        "Bytes received by Retriever's download (its own count; median run)",
        "Gbit/s",
        "bytes_done",
        true);
    pipelineTimeline(
        "timeline-in-flight",
        "Retriever's chunks in flight (pipeline gauge; median run)",
        "chunks",
        "chunks_in_flight",
        false);
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

  /**
   * Returns, per implementation in first-seen order, its runs and good runs (counts) and the median
   * of each figure over its good runs (absent when none was good).
   */
  Map<String, Map<String, Number>> medians() {
    Map<String, Map<String, Number>> medians = new LinkedHashMap<>();
    for (String impl : implementations()) {
      List<RunResult> good = good(impl);
      Map<String, Number> m = new LinkedHashMap<>();
      m.put("runs", results.stream().filter(r -> r.impl().equals(impl)).count());
      m.put("good_runs", (long) good.size());
      if (!good.isEmpty()) {
        m.put("throughput_mibps", median(good, RunResult::mibPerSecond));
        m.put("throughput_gbps", median(good, RunResult::gbitPerSecond));
        m.put("objects_per_s", median(good, RunResult::objectsPerSecond));
        m.put("wall_s", median(good, RunResult::wallSeconds));
        m.put("cpu_s", median(good, RunResult::cpuSeconds));
        m.put("cpu_s_per_gib", median(good, RunResult::cpuSecondsPerGib));
        m.put("peak_rss_mib", median(good, RunResult::peakRssMib));
      }
      medians.put(impl, m);
    }
    return medians;
  }

  /** Ratios of the fastest Retriever variant to every other implementation. */
  private Map<String, Map<String, Number>> ratios(Map<String, Map<String, Number>> medians) {
    String best =
        medians.entrySet().stream()
            .filter(e -> e.getKey().startsWith("retriever") && good(e.getValue()))
            .max(
                (a, b) ->
                    Double.compare(
                        figure(a.getValue(), "throughput_mibps"),
                        figure(b.getValue(), "throughput_mibps")))
            .map(Map.Entry::getKey)
            .orElse(null);
    Map<String, Map<String, Number>> ratios = new LinkedHashMap<>();
    if (best == null) {
      return ratios;
    }
    Map<String, Number> ours = medians.get(best);
    medians.forEach(
        (impl, m) -> {
          if (impl.equals(best) || !good(m)) {
            return;
          }
          Map<String, Number> r = new LinkedHashMap<>();
          RATIO_FIGURES.forEach(
              (figure, ratio) -> r.put(ratio, div(figure(ours, figure), figure(m, figure))));
          ratios.put(impl, r);
        });
    context.put("compared", best);
    return ratios;
  }

  /** The figures compared, each with the name of its ratio. */
  private static final Map<String, String> RATIO_FIGURES =
      columns(
          "throughput_mibps", "throughput_x",
          "objects_per_s", "objects_per_s_x",
          "cpu_s_per_gib", "cpu_s_per_gib_x",
          "peak_rss_mib", "peak_rss_x");

  private static boolean good(Map<String, Number> medians) {
    return medians.get("good_runs").longValue() > 0;
  }

  private static double figure(Map<String, Number> medians, String figure) {
    Number n = medians.get(figure);
    return n == null ? 0 : n.doubleValue();
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
      Map<String, Map<String, Number>> medians,
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
      RunResult median = medianRun(impl);
      if (median != null) {
        data.addSeries(series(impl, out.resolve(median.profile()), field, false));
      }
    }
    saveTimeline(name, title, unit, data);
  }

  /**
   * Overlays one pipeline gauge (or, with {@code rate}, the rate of a byte count, in Gbit/s) over
   * time, from the median run of each implementation that recorded its pipeline; draws nothing when
   * none did.
   */
  private void pipelineTimeline(String name, String title, String unit, String field, boolean rate)
      throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (String impl : implementations()) {
      RunResult median = medianRun(impl);
      if (median == null) {
        continue;
      }
      Path pipeline = BenchmarkRunner.pipelineProfile(out.resolve(median.profile()));
      if (Files.isRegularFile(pipeline)) {
        data.addSeries(series(impl, pipeline, field, rate));
      }
    }
    if (data.getSeriesCount() > 0) {
      saveTimeline(name, title, unit, data);
    }
  }

  /** Returns the good run of {@code impl} with the median throughput, or null if none was good. */
  private RunResult medianRun(String impl) {
    List<RunResult> good = new ArrayList<>(good(impl));
    if (good.isEmpty()) {
      return null;
    }
    good.sort((a, b) -> Double.compare(a.mibPerSecond(), b.mibPerSecond()));
    return good.get(good.size() / 2);
  }

  private static XYSeries series(String impl, Path profile, String field, boolean rate)
      throws IOException {
    XYSeries series = new XYSeries(impl);
    double lastT = 0;
    double lastV = 0;
    for (String line : Files.readAllLines(profile)) {
      Map<?, ?> sample = JSON.readValue(line, Map.class);
      if (sample.get(field) instanceof Number v && sample.get("t_s") instanceof Number t) {
        double time = t.doubleValue();
        double value = v.doubleValue();
        if (!rate) {
          series.add(time, value);
        } else if (time > lastT) {
          series.add(time, Math.max(0, value - lastV) * 8 / (time - lastT) / 1e9);
        }
        lastT = time;
        lastV = value;
      }
    }
    return series;
  }

  private void saveTimeline(String name, String title, String unit, XYSeriesCollection data)
      throws IOException {
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
      Map<String, Map<String, Number>> medians, Map<String, Map<String, Number>> ratios) {
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
    h.append("</table><h2>Medians of the good runs</h2>").append(table(medians, MEDIAN_COLUMNS));
    if (!ratios.isEmpty()) {
      h.append("<h2>Ratios of ")
          .append(escape(context.get("compared")))
          .append(" to each peer</h2>")
          .append(table(ratios, RATIO_COLUMNS));
    }
    h.append("<h2>Charts</h2>");
    for (String chart : charts) {
      try {
        String png =
            Base64.getEncoder().encodeToString(Files.readAllBytes(out.resolve(chart + ".png")));
        h.append("<p><img alt=\"")
            .append(chart)
            .append("\" width=\"" + WIDTH + "\" height=\"" + HEIGHT + "\"")
            .append(" src=\"data:image/png;base64,")
            .append(png)
            .append("\"></p>");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    h.append(
        "<h2>Runs</h2><table><tr><th>implementation</th><th>run</th><th>MiB/s</th><th>obj/s</th>"
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

  /** The medians table's columns: figure and heading. */
  private static final Map<String, String> MEDIAN_COLUMNS =
      columns(
          "good_runs", "good runs",
          "throughput_mibps", "MiB/s",
          "throughput_gbps", "Gbit/s",
          "objects_per_s", "objects/s",
          "wall_s", "wall s",
          "cpu_s", "CPU s",
          "cpu_s_per_gib", "CPU s/GiB",
          "peak_rss_mib", "peak RSS MiB");

  /** The ratios table's columns: figure and heading. */
  private static final Map<String, String> RATIO_COLUMNS =
      columns(
          "throughput_x", "throughput ×",
          "objects_per_s_x", "objects/s ×",
          "cpu_s_per_gib_x", "CPU s/GiB ×",
          "peak_rss_x", "peak RSS ×");

  private static Map<String, String> columns(String... pairs) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      columns.put(pairs[i], pairs[i + 1]);
    }
    return columns;
  }

  /**
   * Prints the medians as a table with a header row, one implementation a line: good runs as {@code
   * GOOD/RUNS}, figures with two decimals, a dash for an implementation with no good run.
   */
  public void printMedians(PrintStream log) {
    Map<String, Map<String, Number>> medians = medians();
    int width = Math.max(14, medians.keySet().stream().mapToInt(String::length).max().orElse(0));
    StringBuilder header =
        new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", "implementation"));
    MEDIAN_COLUMNS.values().forEach(h -> header.append(String.format(Locale.ROOT, " %12s", h)));
    log.println("Medians of the good runs:");
    log.println(header);
    medians.forEach(
        (impl, m) -> {
          StringBuilder row =
              new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", impl));
          MEDIAN_COLUMNS
              .keySet()
              .forEach(c -> row.append(String.format(Locale.ROOT, " %12s", cell(c, m))));
          log.println(row);
        });
  }

  /** Returns one figure as shown: counts as counts, figures with two decimals, or a dash. */
  private static String cell(String column, Map<String, Number> m) {
    if (column.equals("good_runs") && m.containsKey("runs")) {
      return m.get("good_runs") + "/" + m.get("runs");
    }
    Number n = m.get(column);
    return n == null ? "-" : String.format(Locale.ROOT, "%.2f", n.doubleValue());
  }

  private static String table(Map<String, Map<String, Number>> rows, Map<String, String> columns) {
    StringBuilder t = new StringBuilder("<table><tr><th>implementation</th>");
    columns.values().forEach(c -> t.append("<th>").append(escape(c)).append("</th>"));
    t.append("</tr>");
    rows.forEach(
        (name, m) -> {
          t.append("<tr><td>").append(escape(name)).append("</td>");
          columns.keySet().forEach(c -> t.append("<td>").append(cell(c, m)).append("</td>"));
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
