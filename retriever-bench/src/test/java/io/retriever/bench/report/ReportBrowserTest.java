package io.retriever.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.bench.run.BenchmarkRunner;
import io.retriever.bench.run.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Opens a generated {@code report.html} from disk in a headless Chromium (the machine's {@code
 * chromium} and {@code chromedriver}, which {@code .ci/run} installs): every chart decodes at its
 * declared size, the tables are there, nothing is fetched from outside the file and the console
 * stays clean.
 */
class ReportBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir Path out;
  @TempDir Path profile;
  private ChromeDriver browser;

  @BeforeEach
  void startBrowser() {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as(
            "the report test needs Chromium and its driver: apt-get install chromium"
                + " chromium-driver (as .ci/run does)")
        .isTrue();
    // The machine's driver, named outright: Selenium Manager never looks for one (and the pom
    // sets SE_OFFLINE for the tests besides).
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(60))
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
  }

  @AfterEach
  void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void report_openedFromDisk_showsEveryChartAndTableOffline() throws Exception {
    Path page = new BenchReport(out, runs(), Map.of("scenario", "2x1MiB")).write();

    browser.manage().logs().get(LogType.PERFORMANCE); // drop what came before the page
    browser.get(page.toUri().toString());
    JavascriptExecutor js = browser;
    // Wait (bounded by the script timeout) until every image has loaded or failed.
    js.executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "Promise.all([...document.images].map(i => i.decode().catch(() => null)))"
            + ".then(() => done(true));");

    List<WebElement> images = browser.findElements(By.tagName("img"));
    assertThat(images)
        .extracting(i -> i.getAttribute("alt"))
        .contains(
            "throughput",
            "cpu",
            "rss",
            "timeline-cpu",
            "timeline-rss",
            "timeline-net",
            "timeline-received",
            "timeline-in-flight",
            "sweep-concurrency-throughput",
            "sweep-concurrency-cpu");
    for (WebElement image : images) {
      String alt = image.getAttribute("alt");
      long naturalWidth = number(js.executeScript("return arguments[0].naturalWidth;", image));
      long naturalHeight = number(js.executeScript("return arguments[0].naturalHeight;", image));
      assertThat(naturalWidth).as(alt + " decodes").isPositive();
      assertThat(naturalWidth)
          .as(alt + " width")
          .isEqualTo(Long.parseLong(image.getDomAttribute("width")));
      assertThat(naturalHeight)
          .as(alt + " height")
          .isEqualTo(Long.parseLong(image.getDomAttribute("height")));
      assertThat(image.getAttribute("src")).startsWith("data:image/png;base64,");
    }

    List<String> headings =
        browser.findElements(By.tagName("h2")).stream().map(WebElement::getText).toList();
    assertThat(headings)
        .contains("Medians of the good runs", "Charts", "Runs")
        .anyMatch(h -> h.startsWith("Ratios of"));
    List<WebElement> tables = browser.findElements(By.tagName("table"));
    assertThat(tables).hasSize(4);
    String medians = tables.get(1).getText();
    assertThat(medians).contains("implementation", "good runs", "MiB/s", "2/2", "0/1");
    assertThat(tables.get(3).findElements(By.tagName("tr"))).hasSize(1 + 5);

    // Only the file itself and what it holds: no request leaves it.
    String href = String.valueOf(js.executeScript("return location.href;"));
    List<String> urls = new ArrayList<>(List.of(href));
    @SuppressWarnings("unchecked")
    List<Object> resources =
        (List<Object>)
            js.executeScript(
                "return performance.getEntriesByType('navigation')"
                    + ".concat(performance.getEntriesByType('resource')).map(e => e.name)"
                    + ".concat([...document.querySelectorAll('[src],[href]')]"
                    + ".map(e => e.src || e.href));");
    resources.forEach(r -> urls.add(String.valueOf(r)));
    List<String> anywhere = new ArrayList<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.PERFORMANCE)) {
      JsonNode message = JSON.readTree(entry.getMessage()).path("message");
      if (message.path("method").asText().equals("Network.requestWillBeSent")) {
        JsonNode params = message.path("params");
        String url = params.at("/request/url").asText();
        anywhere.add(url);
        if (params.path("documentURL").asText().equals(href)) {
          urls.add(url);
        }
      }
    }
    assertThat(urls)
        .allSatisfy(
            url ->
                assertThat(url.toLowerCase(Locale.ROOT))
                    .matches(
                        u -> u.startsWith("file:") || u.startsWith("data:"), "file: or data:"));
    // Nor does the browser itself go out (its own pages are chrome: URLs).
    assertThat(anywhere).isNotEmpty().noneMatch(url -> url.matches("(?i)(https?|wss?|ftp):.*"));

    List<LogEntry> console = browser.manage().logs().get(LogType.BROWSER).getAll();
    assertThat(console)
        .as("console")
        .noneMatch(e -> e.getLevel().intValue() >= Level.WARNING.intValue());
  }

  /** Returns two Retriever runs with profiles and pipeline gauges, a peer's and a failed one. */
  private List<RunResult> runs() throws Exception {
    Files.createDirectories(out.resolve("profiles"));
    List<RunResult> runs = new ArrayList<>();
    for (int run = 1; run <= 2; run++) {
      for (String concurrency : List.of("8", "16")) {
        runs.add(
            run(
                "retriever concurrency=" + concurrency,
                run,
                Map.of("concurrency", concurrency),
                true));
      }
    }
    runs.removeIf(r -> r.run() == 2 && r.impl().endsWith("=16"));
    runs.add(run("getobject", 1, Map.of(), false));
    runs.add(
        new RunResult(
            "liar",
            1,
            false,
            "wrong bytes in the file of data/a",
            0,
            0,
            0,
            0,
            -1,
            0,
            -1,
            -1,
            "profiles/liar-run1.jsonl",
            Map.of()));
    Files.writeString(out.resolve("profiles/liar-run1.jsonl"), "");
    return runs;
  }

  private RunResult run(String impl, int run, Map<String, String> settings, boolean pipeline)
      throws Exception {
    String label = impl.replaceAll("[^A-Za-z0-9._-]+", "_") + "-run" + run;
    Path profile = out.resolve("profiles").resolve(label + ".jsonl");
    StringBuilder samples = new StringBuilder();
    StringBuilder gauges = new StringBuilder();
    for (int i = 1; i <= 10; i++) {
      double t = i / 10.0;
      samples.append(
          String.format(
              Locale.ROOT,
              "{\"t_s\":%.1f,\"interval_ms\":100,\"cpu_process_pct\":%d,\"rss_mib\":%d,"
                  + "\"net_machine_rx_gbps\":%.2f}%n",
              t,
              50 + i,
              100 + i,
              0.1 * i));
      gauges.append(
          String.format(
              Locale.ROOT,
              "{\"t_s\":%.1f,\"interval_ms\":100,\"bytes_done\":%d,\"chunks_in_flight\":%d}%n",
              t,
              i * 209715L,
              i % 4));
    }
    Files.writeString(profile, samples);
    if (pipeline) {
      Files.writeString(BenchmarkRunner.pipelineProfile(profile), gauges);
    }
    return new RunResult(
        impl,
        run,
        true,
        null,
        2,
        2L << 20,
        1.0 + run / 10.0,
        0.5,
        0.1,
        120,
        3,
        0,
        out.relativize(profile).toString(),
        settings);
  }

  private static long number(Object value) {
    return ((Number) value).longValue();
  }
}
