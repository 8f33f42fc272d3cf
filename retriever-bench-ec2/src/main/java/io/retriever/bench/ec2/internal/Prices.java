package io.retriever.bench.ec2.internal;

import java.time.LocalDate;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * On-Demand prices per hour of the instance types a benchmark is likely to compare: Linux, region
 * us-east-1, in US dollars, as listed on {@link #DATE}. Other regions cost the same or up to about
 * a quarter more; a type missing here has no estimate.
 */
public final class Prices {
  /** When these prices were listed. */
  public static final LocalDate DATE = LocalDate.of(2024, 6, 1);

  /** The region the prices are for. */
  public static final String REGION = "us-east-1";

  private static final Map<String, Double> USD_PER_HOUR =
      Map.ofEntries(
          Map.entry("t3.micro", 0.0104),
          Map.entry("t3.medium", 0.0416),
          Map.entry("m5.large", 0.096),
          Map.entry("m5.2xlarge", 0.384),
          Map.entry("m5n.large", 0.119),
          Map.entry("m5n.2xlarge", 0.476),
          Map.entry("m5n.8xlarge", 1.904),
          Map.entry("m6i.2xlarge", 0.384),
          Map.entry("m6in.2xlarge", 0.55692),
          Map.entry("m6in.4xlarge", 1.11384),
          Map.entry("m6in.8xlarge", 2.22768),
          Map.entry("m7i.2xlarge", 0.4032),
          Map.entry("c5n.2xlarge", 0.432),
          Map.entry("c5n.9xlarge", 1.944),
          Map.entry("c5n.18xlarge", 3.888),
          Map.entry("c6i.2xlarge", 0.34),
          Map.entry("c6in.2xlarge", 0.4536),
          Map.entry("c6in.4xlarge", 0.9072),
          Map.entry("c6in.8xlarge", 1.8144),
          Map.entry("c6in.16xlarge", 3.6288),
          Map.entry("c6gn.2xlarge", 0.3456),
          Map.entry("c6gn.4xlarge", 0.6912),
          Map.entry("c6gn.8xlarge", 1.3824),
          Map.entry("c6gn.16xlarge", 2.7648),
          Map.entry("c7i.2xlarge", 0.357),
          Map.entry("c7gn.2xlarge", 0.4992),
          Map.entry("c7gn.4xlarge", 0.9984),
          Map.entry("c7gn.8xlarge", 1.9968),
          Map.entry("c7gn.16xlarge", 3.9936));

  private Prices() {}

  /** Returns the price per hour of an instance type, or empty when the table lacks it. */
  public static OptionalDouble usdPerHour(String instanceType) {
    Double price = USD_PER_HOUR.get(instanceType);
    return price == null ? OptionalDouble.empty() : OptionalDouble.of(price);
  }
}
