package io.retriever.spark.internal.source;

import io.retriever.spark.internal.ListedObject;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.sources.And;
import org.apache.spark.sql.sources.EqualNullSafe;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.GreaterThanOrEqual;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.IsNotNull;
import org.apache.spark.sql.sources.IsNull;
import org.apache.spark.sql.sources.LessThan;
import org.apache.spark.sql.sources.LessThanOrEqual;
import org.apache.spark.sql.sources.Not;
import org.apache.spark.sql.sources.Or;
import org.apache.spark.sql.sources.StringContains;
import org.apache.spark.sql.sources.StringEndsWith;
import org.apache.spark.sql.sources.StringStartsWith;

/**
 * The filters a read applies to the listing itself, before any GET: those on {@code key} (equal,
 * in, starts with, ends with, contains) and on {@code size} (equal, in, compared with a whole
 * number), and {@code and}, {@code or} and {@code not} of them. Both columns are never null, so
 * each such filter keeps exactly the rows Spark's own evaluation keeps; any other filter is left to
 * Spark. A key's start also narrows the listing's prefix: {@code key LIKE 'a/b%'} lists only {@code
 * a/b}.
 */
final class ObjectFilters {
  private ObjectFilters() {}

  /** A test of one listed object. */
  interface Test extends Serializable {
    boolean test(ListedObject o);
  }

  /** Returns the test that applies {@code filter} exactly, or empty if it cannot. */
  static Optional<Test> of(Filter filter) {
    return Optional.ofNullable(test(filter));
  }

  private static Test test(Filter filter) {
    if (filter instanceof And f) {
      Test l = test(f.left());
      Test r = test(f.right());
      return l == null || r == null ? null : o -> l.test(o) && r.test(o);
    }
    if (filter instanceof Or f) {
      Test l = test(f.left());
      Test r = test(f.right());
      return l == null || r == null ? null : o -> l.test(o) || r.test(o);
    }
    if (filter instanceof Not f) {
      Test c = test(f.child());
      return c == null ? null : o -> !c.test(o);
    }
    if (filter instanceof IsNotNull f) {
      return isKey(f.attribute()) || isSize(f.attribute()) ? o -> true : null;
    }
    if (filter instanceof IsNull f) {
      return isKey(f.attribute()) || isSize(f.attribute()) ? o -> false : null;
    }
    if (filter instanceof EqualTo f) {
      return equal(f.attribute(), f.value());
    }
    if (filter instanceof EqualNullSafe f) {
      return equal(f.attribute(), f.value());
    }
    if (filter instanceof In f) {
      return in(f.attribute(), f.values());
    }
    if (filter instanceof StringStartsWith f && isKey(f.attribute())) {
      String s = f.value();
      return o -> o.key().startsWith(s);
    }
    if (filter instanceof StringEndsWith f && isKey(f.attribute())) {
      String s = f.value();
      return o -> o.key().endsWith(s);
    }
    if (filter instanceof StringContains f && isKey(f.attribute())) {
      String s = f.value();
      return o -> o.key().contains(s);
    }
    if (filter instanceof GreaterThan f && isSize(f.attribute()) && whole(f.value())) {
      long v = ((Number) f.value()).longValue();
      return o -> o.size() > v;
    }
    if (filter instanceof GreaterThanOrEqual f && isSize(f.attribute()) && whole(f.value())) {
      long v = ((Number) f.value()).longValue();
      return o -> o.size() >= v;
    }
    if (filter instanceof LessThan f && isSize(f.attribute()) && whole(f.value())) {
      long v = ((Number) f.value()).longValue();
      return o -> o.size() < v;
    }
    if (filter instanceof LessThanOrEqual f && isSize(f.attribute()) && whole(f.value())) {
      long v = ((Number) f.value()).longValue();
      return o -> o.size() <= v;
    }
    return null;
  }

  private static Test equal(String attribute, Object value) {
    if (isKey(attribute) && value instanceof String s) {
      return o -> o.key().equals(s);
    }
    if (isSize(attribute) && whole(value)) {
      long v = ((Number) value).longValue();
      return o -> o.size() == v;
    }
    return null;
  }

  private static Test in(String attribute, Object[] values) {
    if (isKey(attribute) && Arrays.stream(values).allMatch(v -> v instanceof String)) {
      List<Object> keys = List.of(values);
      return o -> keys.contains(o.key());
    }
    if (isSize(attribute) && Arrays.stream(values).allMatch(ObjectFilters::whole)) {
      long[] sizes = Arrays.stream(values).mapToLong(v -> ((Number) v).longValue()).toArray();
      return o -> Arrays.stream(sizes).anyMatch(s -> s == o.size());
    }
    return null;
  }

  /**
   * Returns the prefix to list for a read of {@code prefix} under top-level {@code filters}: the
   * longest start of a key that they require and that lies under {@code prefix}, else {@code
   * prefix}; empty when they require a start no key under {@code prefix} has.
   */
  static Optional<String> listingPrefix(String prefix, List<Filter> filters) {
    String narrowed = prefix;
    for (Filter f : filters) {
      String start = requiredStart(f);
      if (start == null || narrowed.startsWith(start)) {
        continue;
      }
      if (!start.startsWith(narrowed)) {
        return Optional.empty();
      }
      narrowed = start;
    }
    return Optional.of(narrowed);
  }

  /** Returns what every key that {@code f} keeps starts with, or null when it says nothing. */
  private static String requiredStart(Filter f) {
    if (f instanceof StringStartsWith s && isKey(s.attribute())) {
      return s.value();
    }
    if (f instanceof EqualTo e && isKey(e.attribute()) && e.value() instanceof String key) {
      return key;
    }
    if (f instanceof In in
        && isKey(in.attribute())
        && in.values().length > 0
        && Arrays.stream(in.values()).allMatch(v -> v instanceof String)) {
      String common = (String) in.values()[0];
      for (Object v : in.values()) {
        common = commonStart(common, (String) v);
      }
      return common;
    }
    if (f instanceof And a) {
      String l = requiredStart(a.left());
      String r = requiredStart(a.right());
      return l == null ? r : r == null ? l : l.length() >= r.length() ? l : r;
    }
    return null;
  }

  private static String commonStart(String a, String b) {
    int n = 0;
    int max = Math.min(a.length(), b.length());
    while (n < max && a.charAt(n) == b.charAt(n)) {
      n++;
    }
    // Never split a surrogate pair: the prefix goes to S3 as UTF-8.
    if (n > 0 && Character.isHighSurrogate(a.charAt(n - 1))) {
      n--;
    }
    return a.substring(0, n);
  }

  private static boolean isKey(String attribute) {
    return attribute.equals(ObjectColumns.KEY);
  }

  private static boolean isSize(String attribute) {
    return attribute.equals(ObjectColumns.SIZE);
  }

  private static boolean whole(Object value) {
    return value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte;
  }
}
