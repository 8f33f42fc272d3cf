/** The internals of the {@code retriever} data source: its table, scan, partitions and reader. */
package io.retriever.spark.internal.source;
