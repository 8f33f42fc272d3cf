package io.retriever.spark.internal.source;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * What a read fetched, summed over its tasks and shown with its scan in Spark's SQL tab: the
 * objects and the bytes fetched by GETs (none when the query reads no {@code content}). Spark makes
 * the metrics by class name on the driver, so each is a public class with a constructor of no
 * arguments.
 */
public final class ReadMetrics {
  static final String OBJECTS = "objectsFetched";
  static final String BYTES = "bytesFetched";

  private ReadMetrics() {}

  /** Returns the metrics a scan reports. */
  static CustomMetric[] supported() {
    return new CustomMetric[] {new ObjectsFetched(), new BytesFetched()};
  }

  /** Returns one task's values so far. */
  static CustomTaskMetric[] values(long objects, long bytes) {
    return new CustomTaskMetric[] {value(OBJECTS, objects), value(BYTES, bytes)};
  }

  private static CustomTaskMetric value(String name, long value) {
    return new CustomTaskMetric() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public long value() {
        return value;
      }
    };
  }

  /** The objects fetched by GETs. */
  public static final class ObjectsFetched extends CustomSumMetric {
    @Override
    public String name() {
      return OBJECTS;
    }

    @Override
    public String description() {
      return "objects fetched";
    }
  }

  /** The bytes of the objects fetched by GETs. */
  public static final class BytesFetched extends CustomSumMetric {
    @Override
    public String name() {
      return BYTES;
    }

    @Override
    public String description() {
      return "bytes fetched";
    }
  }
}
