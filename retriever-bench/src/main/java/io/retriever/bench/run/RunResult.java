package io.retriever.bench.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of one implementation.
 *
 * @param impl the implementation's name
 * @param run the repetition, from 1
 * @param ok whether it finished and every byte was verified
 * @param error why it failed, or null
 * @param objects objects downloaded
 * @param bytes bytes downloaded
 * @param wallSeconds the process's wall time, start-up included
 * @param cpuSeconds the process's user and system CPU time, start-up included
 * @param systemCpuSeconds the part of {@code cpuSeconds} spent in the kernel, or -1 if unknown
 * @param peakRssMib the process's peak resident memory
 * @param requests requests sent, when the implementation reports them (else -1)
 * @param retries retries, when the implementation reports them (else -1)
 * @param profile the file of this run's samples
 * @param settings the swept settings of the implementation
 * @param unverified objects Retriever named unverified (no check the store offers applied), when
 *     the implementation reports them (else -1)
 * @param unverifiedNote those objects as Retriever names them, with why each went unchecked; empty
 *     when there are none
 */
public record RunResult(
    String impl,
    int run,
    boolean ok,
    String error,
    long objects,
    long bytes,
    double wallSeconds,
    double cpuSeconds,
    double systemCpuSeconds,
    double peakRssMib,
    long requests,
    long retries,
    String profile,
    Map<String, String> settings,
    long unverified,
    String unverifiedNote) {

  /** Describes a run of an implementation that reports no unverified objects. */
  public RunResult(
      String impl,
      int run,
      boolean ok,
      String error,
      long objects,
      long bytes,
      double wallSeconds,
      double cpuSeconds,
      double systemCpuSeconds,
      double peakRssMib,
      long requests,
      long retries,
      String profile,
      Map<String, String> settings) {
    this(
        impl,
        run,
        ok,
        error,
        objects,
        bytes,
        wallSeconds,
        cpuSeconds,
        systemCpuSeconds,
        peakRssMib,
        requests,
        retries,
        profile,
        settings,
        -1,
        "");
  }

  /** Returns MiB per second over the process's wall time. */
  public double mibPerSecond() {
    return wallSeconds <= 0 ? 0 : bytes / wallSeconds / (1 << 20);
  }

  /** Returns gigabits per second over the process's wall time. */
  public double gbitPerSecond() {
    return wallSeconds <= 0 ? 0 : bytes * 8 / wallSeconds / 1e9;
  }

  /** Returns objects per second over the process's wall time. */
  public double objectsPerSecond() {
    return wallSeconds <= 0 ? 0 : objects / wallSeconds;
  }

  /** Returns CPU seconds per GiB delivered. */
  public double cpuSecondsPerGib() {
    return bytes == 0 ? 0 : cpuSeconds / (bytes / (double) (1L << 30));
  }

  /** Returns the result as flat fields, units in their names. */
  public Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("impl", impl);
    f.put("run", run);
    f.put("ok", ok);
    f.put("error", error);
    f.put("objects", objects);
    f.put("bytes", bytes);
    f.put("wall_s", round(wallSeconds));
    f.put("throughput_mibps", round(mibPerSecond()));
    f.put("throughput_gbps", round(gbitPerSecond()));
    f.put("objects_per_s", round(objectsPerSecond()));
    f.put("cpu_s", round(cpuSeconds));
    f.put("cpu_s_per_gib", round(cpuSecondsPerGib()));
    f.put("cpu_system_s", round(systemCpuSeconds));
    f.put("peak_rss_mib", round(peakRssMib));
    f.put("requests", requests);
    f.put("retries", retries);
    f.put("objects_unverified", unverified);
    f.put("profile", profile);
    settings.forEach((k, v) -> f.put("setting_" + k, v));
    return f;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
