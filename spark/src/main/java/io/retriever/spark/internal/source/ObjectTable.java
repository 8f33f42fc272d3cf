package io.retriever.spark.internal.source;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** The objects under one prefix, as a table that can be read in batches. */
public final class ObjectTable implements SupportsRead {
  private final ReadOptions options;
  private final StructType schema;

  private ObjectTable(ReadOptions options) {
    this.options = options;
    this.schema = options.content() ? ObjectColumns.WITH_CONTENT : ObjectColumns.METADATA;
  }

  /**
   * Returns the table the options of a read describe.
   *
   * @throws IllegalArgumentException that names the option, for a bad value or an unknown name
   */
  public static ObjectTable of(Map<String, String> options) {
    return new ObjectTable(ReadOptions.parse(options));
  }

  /** Returns the columns of a read with these options, checking them. */
  public static StructType schema(Map<String, String> options) {
    return new ObjectTable(ReadOptions.parse(options)).schema;
  }

  @Override
  public String name() {
    return "retriever " + options.uri();
  }

  // Spark deprecates it for columns(), whose default is built from it.
  @SuppressWarnings("deprecation")
  @Override
  public StructType schema() {
    return schema;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return EnumSet.of(TableCapability.BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap readOptions) {
    return new ObjectScanBuilder(options, schema);
  }
}
