package io.retriever.spark.internal.source;

import io.retriever.spark.internal.ListedObject;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The columns of the {@code retriever} data source, and the making of rows with the columns a query
 * reads, in its order.
 */
final class ObjectColumns implements Serializable {
  static final String KEY = "key";
  static final String SIZE = "size";
  static final String ETAG = "etag";
  static final String LAST_MODIFIED = "last_modified";
  static final String CONTENT = "content";

  /** The columns with the objects' bytes. */
  static final StructType WITH_CONTENT =
      new StructType()
          .add(KEY, DataTypes.StringType, false)
          .add(SIZE, DataTypes.LongType, false)
          .add(ETAG, DataTypes.StringType, true)
          .add(LAST_MODIFIED, DataTypes.TimestampType, true)
          .add(CONTENT, DataTypes.BinaryType, false);

  /** The columns of a read with {@code content=false}. */
  static final StructType METADATA =
      new StructType(
          Arrays.stream(WITH_CONTENT.fields())
              .filter(f -> !f.name().equals(CONTENT))
              .toArray(StructField[]::new));

  /** The names of the columns read, in the query's order. */
  private final String[] names;

  ObjectColumns(StructType schema) {
    this.names = schema.fieldNames();
  }

  /** Returns whether the query reads the objects' bytes. */
  boolean readsContent() {
    return Arrays.asList(names).contains(CONTENT);
  }

  /** Returns the row of {@code o}, with {@code content} its bytes if the query reads them. */
  InternalRow row(ListedObject o, byte[] content) {
    Object[] values = new Object[names.length];
    for (int i = 0; i < names.length; i++) {
      values[i] =
          switch (names[i]) {
            case KEY -> UTF8String.fromString(o.key());
            case SIZE -> o.size();
            case ETAG -> o.eTag() == null ? null : UTF8String.fromString(unquoted(o.eTag()));
            // Spark's timestamps are microseconds since the epoch.
            case LAST_MODIFIED -> o.lastModifiedMillis() < 0 ? null : o.lastModifiedMillis() * 1000;
            case CONTENT -> content;
            default -> throw new IllegalStateException("no column " + names[i]);
          };
    }
    return new GenericInternalRow(values);
  }

  /** Returns an ETag without the quotes S3 puts around it. */
  static String unquoted(String eTag) {
    return eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")
        ? eTag.substring(1, eTag.length() - 1)
        : eTag;
  }
}
