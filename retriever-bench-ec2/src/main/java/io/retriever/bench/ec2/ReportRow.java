package io.retriever.bench.ec2;

import java.util.Map;

/**
 * The medians of one implementation and setting on one instance type.
 *
 * @param instanceType the instance type
 * @param impl the implementation, e.g. {@code retriever} or a peer's name
 * @param settings the swept settings, empty for none
 * @param runs the successful runs the medians are of
 * @param gbps the median effective throughput in Gbit/s
 * @param nicPeakGbps the instance type's rated peak bandwidth, or 0 if unknown
 * @param cpuSecondsPerGib the median CPU seconds per GiB delivered
 * @param peakRssMib the median peak resident memory
 */
public record ReportRow(
    String instanceType,
    String impl,
    Map<String, String> settings,
    int runs,
    double gbps,
    double nicPeakGbps,
    double cpuSecondsPerGib,
    double peakRssMib) {

  public ReportRow {
    settings = Map.copyOf(settings);
  }

  /** Returns the throughput as a fraction of the rated peak bandwidth, or NaN if unknown. */
  public double fractionOfNic() {
    return nicPeakGbps <= 0 ? Double.NaN : gbps / nicPeakGbps;
  }
}
