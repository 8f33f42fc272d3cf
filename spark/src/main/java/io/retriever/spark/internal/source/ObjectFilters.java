package io.retriever.spark.internal.source;

import io.retriever.spark.internal.ListedObject;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
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
 * The filters a read applies to the listing itself, before any GET: on {@code key} (equal, in,
 * starts with, ends with, contains), on {@code size} and {@code last_modified} (equal, in,
 * compared), on {@code etag} (equal, in), {@code is null} on any of them, and {@code and}, {@code
 * or} and {@code not} of those. They are evaluated as SQL does, a comparison with a missing value
 * (an object listed without a time) being unknown, so each keeps exactly the rows Spark's own
 * evaluation keeps; any other filter is left to Spark. A key's start also narrows the listing's
 * prefix: {@code key LIKE 'a/b%'} lists only {@code a/b}.
 */
final class ObjectFilters {
  private ObjectFilters() {}

  /** A test of one listed object: true, false, or null for SQL's unknown. */
  interface Test extends Serializable {
    Boolean eval(ListedObject o);

    /** Returns whether the object's row is kept: only when the filter is true. */
    default boolean test(ListedObject o) {
      return Boolean.TRUE.equals(eval(o));
    }
  }

  /** Returns the test that applies {@code filter} exactly, or empty if it cannot. */
  static Optional<Test> of(Filter filter) {
    return Optional.ofNullable(test(filter));
  }

  private static Test test(Filter filter) {
    if (filter instanceof And f) {
      Test l = test(f.left());
      Test r = test(f.right());
      return l == null || r == null ? null : o -> and(l.eval(o), r.eval(o));
    }
    if (filter instanceof Or f) {
      Test l = test(f.left());
      Test r = test(f.right());
      return l == null || r == null ? null : o -> or(l.eval(o), r.eval(o));
    }
    if (filter instanceof Not f) {
      Test c = test(f.child());
      return c == null ? null : o -> not(c.eval(o));
    }
    if (filter instanceof IsNotNull f) {
      Column c = Column.of(f.attribute());
      return c == null ? null : o -> c.value(o) != null;
    }
    if (filter instanceof IsNull f) {
      Column c = Column.of(f.attribute());
      return c == null ? null : o -> c.value(o) == null;
    }
    if (filter instanceof EqualTo f) {
      return compare(f.attribute(), f.value(), cmp -> cmp == 0);
    }
    if (filter instanceof EqualNullSafe f) {
      Column c = Column.of(f.attribute());
      if (c == null) {
        return null;
      }
      if (f.value() == null) {
        return o -> c.value(o) == null;
      }
      Test equal = compare(f.attribute(), f.value(), cmp -> cmp == 0);
      return equal == null ? null : o -> c.value(o) != null && equal.test(o);
    }
    if (filter instanceof In f) {
      return in(f.attribute(), f.values());
    }
    if (filter instanceof GreaterThan f && ordered(f.attribute())) {
      return compare(f.attribute(), f.value(), cmp -> cmp > 0);
    }
    if (filter instanceof GreaterThanOrEqual f && ordered(f.attribute())) {
      return compare(f.attribute(), f.value(), cmp -> cmp >= 0);
    }
    if (filter instanceof LessThan f && ordered(f.attribute())) {
      return compare(f.attribute(), f.value(), cmp -> cmp < 0);
    }
    if (filter instanceof LessThanOrEqual f && ordered(f.attribute())) {
      return compare(f.attribute(), f.value(), cmp -> cmp <= 0);
    }
    if (filter instanceof StringStartsWith f && Column.of(f.attribute()) == Column.KEY) {
      String s = f.value();
      return o -> o.key().startsWith(s);
    }
    if (filter instanceof StringEndsWith f && Column.of(f.attribute()) == Column.KEY) {
      String s = f.value();
      return o -> o.key().endsWith(s);
    }
    if (filter instanceof StringContains f && Column.of(f.attribute()) == Column.KEY) {
      String s = f.value();
      return o -> o.key().contains(s);
    }
    return null;
  }

  /** A column the listing knows, and its value as the filters' literals give it. */
  private enum Column {
    KEY,
    SIZE,
    ETAG,
    LAST_MODIFIED;

    static Column of(String attribute) {
      return switch (attribute) {
        case ObjectColumns.KEY -> KEY;
        case ObjectColumns.SIZE -> SIZE;
        case ObjectColumns.ETAG -> ETAG;
        case ObjectColumns.LAST_MODIFIED -> LAST_MODIFIED;
        default -> null;
      };
    }

    /** Returns the row's value: a String, or a Long (microseconds for times), or null. */
    Object value(ListedObject o) {
      return switch (this) {
        case KEY -> o.key();
        case SIZE -> o.size();
        case ETAG -> o.eTag() == null ? null : ObjectColumns.unquoted(o.eTag());
        case LAST_MODIFIED -> o.lastModifiedMillis() < 0 ? null : o.lastModifiedMillis() * 1000;
      };
    }

    /** Returns a literal as this column's values are, or null if it cannot be compared exactly. */
    Object literal(Object v) {
      return switch (this) {
        case KEY, ETAG -> v instanceof String ? v : null;
        case SIZE ->
            v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                ? ((Number) v).longValue()
                : null;
        case LAST_MODIFIED -> micros(v);
      };
    }
  }

  /** Whether the listing can order the column's values as Spark does. */
  private static boolean ordered(String attribute) {
    Column c = Column.of(attribute);
    return c == Column.SIZE || c == Column.LAST_MODIFIED;
  }

  /** A comparison's outcome as the filter wants it. */
  private interface Outcome extends Serializable {
    boolean of(int comparison);
  }

  @SuppressWarnings("unchecked")
  private static Test compare(String attribute, Object value, Outcome outcome) {
    Column c = Column.of(attribute);
    Object literal = c == null || value == null ? null : c.literal(value);
    if (literal == null) {
      return null;
    }
    Comparable<Object> wanted = (Comparable<Object>) literal;
    return o -> {
      Object v = c.value(o);
      return v == null ? null : outcome.of(((Comparable<Object>) v).compareTo(wanted));
    };
  }

  private static Test in(String attribute, Object[] values) {
    Column c = Column.of(attribute);
    if (c == null) {
      return null;
    }
    List<Object> literals = new ArrayList<>();
    boolean nullListed = false;
    for (Object v : values) {
      if (v == null) {
        nullListed = true;
        continue;
      }
      Object literal = c.literal(v);
      if (literal == null) {
        return null;
      }
      literals.add(literal);
    }
    boolean unknownIfAbsent = nullListed;
    return o -> {
      Object v = c.value(o);
      if (v == null) {
        return null;
      }
      // As SQL: x IN (a, NULL) is true when x = a, else unknown.
      return literals.contains(v) ? Boolean.TRUE : unknownIfAbsent ? null : Boolean.FALSE;
    };
  }

  /** Returns a timestamp literal in microseconds since the epoch, or null if it is none. */
  private static Long micros(Object v) {
    if (v instanceof Timestamp t) {
      return Math.floorDiv(t.getTime(), 1000L) * 1_000_000L + t.getNanos() / 1000;
    }
    if (v instanceof Instant i) {
      return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }
    return null;
  }

  private static Boolean and(Boolean l, Boolean r) {
    if (Boolean.FALSE.equals(l) || Boolean.FALSE.equals(r)) {
      return false;
    }
    return l == null || r == null ? null : Boolean.TRUE;
  }

  private static Boolean or(Boolean l, Boolean r) {
    if (Boolean.TRUE.equals(l) || Boolean.TRUE.equals(r)) {
      return true;
    }
    return l == null || r == null ? null : Boolean.FALSE;
  }

  private static Boolean not(Boolean b) {
    return b == null ? null : !b;
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
}
