package io.retriever.bench.run;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the commands of the built-in implementations, sweep variants and external peers. */
public final class Implementations {
  /** Retriever and its JVM peers: what a benchmark runs unless told otherwise. */
  public static final List<String> PEERS = List.of("retriever", "getobject", "tm-java", "tm-crt");

  /** The JVM implementations {@link PeerMain} knows. */
  public static final List<String> BUILT_IN =
      List.of(
          "retriever",
          "getobject",
          "tm-java",
          "tm-crt",
          "retriever-lib",
          "retriever-listener",
          "retriever-headers",
          "retriever-hooks");

  /**
   * The options that have a Retriever implementation record its pipeline's gauges; the runner fills
   * in the file ({@code {pipeline}}) and its own sampling interval.
   */
  private static final List<String> PIPELINE_PROFILE =
      List.of("--samples-out", "{pipeline}", "--samples-interval", "{interval_ms}");

  /** The main class of the retriever command, when it is on the class path. */
  private static final String COMMAND_LINE = "io.retriever.cli.Main";

  private Implementations() {}

  /**
   * Returns the command of a built-in implementation, run in a new JVM: Retriever through the
   * {@code retriever get} command when it is on the class path, the others (and Retriever without
   * the command) through {@link PeerMain}.
   *
   * @param settings Retriever settings ({@code concurrency}, {@code chunk-size}, {@code
   *     max-memory}) as the option values of {@link PeerMain}
   */
  public static Implementation builtIn(
      String name,
      Map<String, String> settings,
      List<String> jvmOptions,
      boolean endpoint,
      boolean anonymous) {
    if (!BUILT_IN.contains(name)) {
      throw new IllegalArgumentException(
          "unknown implementation '"
              + name
              + "'; built in are "
              + String.join(", ", BUILT_IN)
              + " (others: --peer NAME=COMMAND)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (name.startsWith("retriever")) {
      command.addAll(retrieverJvmOptions());
    }
    command.addAll(jvmOptions);
    if (name.equals("retriever") && commandLineAvailable()) {
      // Retriever as its users run it: the retriever command, whose options share these names.
      command.addAll(
          List.of("-cp", classpath(), COMMAND_LINE, "get", "{uri}", "{dest}", "-q", "--json"));
      command.addAll(List.of("--region", "{region}"));
      if (endpoint) {
        command.addAll(List.of("--endpoint-url", "{endpoint}", "--path-style"));
      }
      // The pipeline's gauges only: the runner samples the process from outside, and sampling
      // it from inside too would add the profiler's CPU to the figures being compared.
      command.addAll(PIPELINE_PROFILE);
      command.add("--profile-pipeline-only");
    } else {
      command.addAll(peerMain(name, endpoint));
      if (name.startsWith("retriever")) {
        command.addAll(PIPELINE_PROFILE);
      }
    }
    if (anonymous) {
      command.add("--no-sign-request");
    }
    settings.forEach((key, value) -> command.addAll(List.of("--" + key, value)));
    String label = settings.isEmpty() ? name : name + " " + describe(settings);
    return new Implementation(label, command, false, Map.copyOf(settings));
  }

  /** Returns the arguments that run {@code name} through {@link PeerMain}. */
  private static List<String> peerMain(String name, boolean endpoint) {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "-cp",
            classpath(),
            PeerMain.class.getName(),
            "--impl",
            name,
            "--region",
            "{region}",
            "--bucket",
            "{bucket}",
            "--prefix",
            "{prefix}",
            "--dest",
            "{dest}"));
    if (endpoint) {
      command.addAll(List.of("--endpoint", "{endpoint}"));
    }
    return command;
  }

  /** Returns whether the retriever command is on the class path (as in the command's jar). */
  private static boolean commandLineAvailable() {
    try {
      Class.forName(COMMAND_LINE, false, Implementations.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Returns an external command peer from {@code NAME=COMMAND TEMPLATE}. */
  public static Implementation external(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw new IllegalArgumentException(
          "'"
              + spec
              + "' is not NAME=COMMAND (e.g."
              + " rclone='rclone copy :s3:{bucket}/{prefix} {dest} --s3-endpoint {endpoint}')");
    }
    return new Implementation(
        spec.substring(0, eq), List.of(spec.substring(eq + 1)), true, Map.of());
  }

  /**
   * Returns the cartesian product of sweeps: {@code concurrency=8,16} and {@code
   * chunk-size=4MiB,8MiB} give four settings maps, in order.
   */
  public static List<Map<String, String>> product(Map<String, List<String>> sweeps) {
    List<Map<String, String>> product = new ArrayList<>();
    product.add(new LinkedHashMap<>());
    for (Map.Entry<String, List<String>> sweep : sweeps.entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> partial : product) {
        for (String value : sweep.getValue()) {
          Map<String, String> settings = new LinkedHashMap<>(partial);
          settings.put(sweep.getKey(), value);
          next.add(settings);
        }
      }
      product = next;
    }
    return product;
  }

  private static String describe(Map<String, String> settings) {
    StringBuilder s = new StringBuilder();
    settings.forEach(
        (k, v) -> s.append(s.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return s.toString();
  }

  /**
   * Returns the JVM options Retriever's launcher runs with (the {@code retriever-jvm.options}
   * resource), plus its class-data archive when one lies beside the jar on the class path.
   */
  public static List<String> retrieverJvmOptions() {
    List<String> options = new ArrayList<>();
    try (InputStream in =
        Implementations.class.getResourceAsStream("/io/retriever/bench/retriever-jvm.options")) {
      if (in != null) {
        new String(in.readAllBytes(), StandardCharsets.UTF_8)
            .lines()
            .map(String::strip)
            .filter(line -> !line.isEmpty())
            .forEach(options::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String entry : classpath().split(File.pathSeparator)) {
      Path archive = Path.of(entry).resolveSibling("retriever.jsa");
      if (entry.endsWith("retriever.jar") && Files.isRegularFile(archive)) {
        options.add("-XX:SharedArchiveFile=" + archive);
      }
    }
    return options;
  }

  /**
   * Heap beyond the byte budget that the launcher gives the JVM: the {@code retriever} script's.
   */
  public static final long HEAP_MARGIN = 80L << 20;

  /**
   * Returns the heap option the launcher derives from a byte budget ({@code --max-memory}): the
   * budget plus {@link #HEAP_MARGIN}, in whole MiB, as the {@code retriever} script computes it.
   */
  public static String heapOption(long budget) {
    long mib = (budget + (1L << 20) - 1) >> 20;
    return "-Xmx" + (mib + (HEAP_MARGIN >> 20)) + "m";
  }

  /** Returns this JVM's class path, which holds {@link PeerMain}. */
  static String classpath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }
}
