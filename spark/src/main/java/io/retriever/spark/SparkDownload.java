package io.retriever.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A finished distributed download: one outcome per object and the totals.
 *
 * @param outcomes one row per object, with the columns of {@link ObjectOutcome} ({@code key},
 *     {@code bytes}, {@code path}, {@code status}, {@code error}, {@code unit}); cached, so that
 *     queries on it do not download again
 * @param summary the totals
 */
public record SparkDownload(Dataset<Row> outcomes, SparkDownloadSummary summary) {
  /** Returns the rows of the objects that failed. */
  public Dataset<Row> failures() {
    return outcomes.filter(outcomes.col("status").equalTo(ObjectOutcome.FAILED));
  }
}
