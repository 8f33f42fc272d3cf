package io.retriever.bench.ec2.internal;

import io.retriever.bench.ec2.ReportRow;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** The merged report's charts: a bar per implementation and setting, grouped by instance type. */
public final class ReportCharts {
  /** The charts' file names, in the order the report shows them. */
  public static final List<String> NAMES = List.of("throughput.png", "cpu.png");

  private static final int WIDTH = 900;
  private static final int HEIGHT = 480;

  private ReportCharts() {}

  /** Returns each chart as PNG bytes by file name. */
  public static Map<String, byte[]> render(List<ReportRow> rows) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Map<String, byte[]> charts = new LinkedHashMap<>();
    charts.put(NAMES.get(0), png(rows, "Effective throughput (median)", "Gbit/s", ReportRow::gbps));
    charts.put(
        NAMES.get(1),
        png(
            rows,
            "CPU seconds per GiB (median, whole process)",
            "CPU s / GiB",
            ReportRow::cpuSecondsPerGib));
    return charts;
  }

  private static byte[] png(
      List<ReportRow> rows, String title, String unit, ToDoubleFunction<ReportRow> figure)
      throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (ReportRow row : rows) {
      data.addValue(figure.applyAsDouble(row), label(row), row.instanceType());
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            title, null, unit, data, PlotOrientation.VERTICAL, true, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xDDDDDD));
    if (plot.getRenderer() instanceof BarRenderer bars) {
      bars.setBarPainter(new StandardBarPainter());
      bars.setShadowVisible(false);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ChartUtils.writeChartAsPNG(bytes, chart, WIDTH, HEIGHT);
    return bytes.toByteArray();
  }

  private static String label(ReportRow row) {
    return row.settings().isEmpty()
        ? row.impl()
        : row.impl()
            + " "
            + new TreeMap<>(row.settings())
                .entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" "));
  }
}
