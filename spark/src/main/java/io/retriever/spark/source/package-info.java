/**
 * The {@code retriever} data source: {@code spark.read().format("retriever").load("s3://b/p")}
 * reads the objects under a prefix as rows (see {@link
 * io.retriever.spark.source.RetrieverDataSource}).
 */
package io.retriever.spark.source;
