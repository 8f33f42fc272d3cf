/**
 * A download spread across an Apache Spark cluster: {@link io.retriever.spark.RetrieverSpark} plans
 * on the driver, lists and downloads in Spark tasks, and returns one outcome per object.
 */
package io.retriever.spark;
