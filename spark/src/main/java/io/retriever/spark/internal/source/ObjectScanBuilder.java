package io.retriever.spark.internal.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownFilters;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.StructType;

/**
 * Takes what Spark pushes down into a read: the columns the query needs (without {@code content},
 * no GET is made) and the filters that can be applied to the listing (see {@link ObjectFilters}).
 * Spark still evaluates every filter after the scan; those pushed only spare the GETs and rows they
 * would drop.
 *
 * <p>Concurrency: Spark's planning thread.
 */
final class ObjectScanBuilder
    implements ScanBuilder, SupportsPushDownRequiredColumns, SupportsPushDownFilters {
  private final ReadOptions options;
  private StructType required;
  private final List<Filter> pushed = new ArrayList<>();

  ObjectScanBuilder(ReadOptions options, StructType schema) {
    this.options = options;
    this.required = schema;
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    this.required = requiredSchema;
  }

  @Override
  public Filter[] pushFilters(Filter[] filters) {
    pushed.clear();
    for (Filter f : filters) {
      if (ObjectFilters.of(f).isPresent()) {
        pushed.add(f);
      }
    }
    return filters;
  }

  @Override
  public Filter[] pushedFilters() {
    return pushed.toArray(new Filter[0]);
  }

  @Override
  public Scan build() {
    return new ObjectScan(options, required, List.copyOf(pushed));
  }

  @Override
  public String toString() {
    return "retriever " + options.uri() + " " + Arrays.toString(pushedFilters());
  }
}
