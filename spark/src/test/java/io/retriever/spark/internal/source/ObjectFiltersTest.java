package io.retriever.spark.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.spark.internal.ListedObject;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.sources.And;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.IsNull;
import org.apache.spark.sql.sources.LessThan;
import org.apache.spark.sql.sources.LessThanOrEqual;
import org.apache.spark.sql.sources.Not;
import org.apache.spark.sql.sources.Or;
import org.apache.spark.sql.sources.StringEndsWith;
import org.apache.spark.sql.sources.StringStartsWith;
import org.junit.jupiter.api.Test;

class ObjectFiltersTest {
  private static final ListedObject A = object("data/a/1.jpg", 10, 1_000);
  private static final ListedObject B = object("data/b/2.png", 5000, 2_000);

  /** Listed without a time: a comparison with it is unknown, as in SQL. */
  private static final ListedObject C = object("data/c", 1, -1);

  @Test
  void of_keyAndSizeFilters_appliedExactly() {
    assertThat(keeps(new StringStartsWith("key", "data/a/"))).containsExactly(A);
    assertThat(keeps(new StringEndsWith("key", ".png"))).containsExactly(B);
    assertThat(keeps(new EqualTo("key", "data/b/2.png"))).containsExactly(B);
    assertThat(keeps(new In("key", new Object[] {"data/a/1.jpg", "x"}))).containsExactly(A);
    assertThat(keeps(new GreaterThan("size", 100L))).containsExactly(B);
    assertThat(keeps(new LessThanOrEqual("size", 10))).containsExactly(A, C);
    assertThat(keeps(new Not(new GreaterThan("size", 100L)))).containsExactly(A, C);
    assertThat(keeps(new Or(new EqualTo("size", 10L), new StringEndsWith("key", ".png"))))
        .containsExactly(A, B);
    assertThat(keeps(new EqualTo("key", "data/c"))).containsExactly(C);
  }

  @Test
  void of_timeAndEtag_unknownWhereSqlIsUnknown() {
    Timestamp between = new Timestamp(1_500);
    assertThat(keeps(new GreaterThan("last_modified", between))).containsExactly(B);
    assertThat(keeps(new LessThan("last_modified", Instant.ofEpochMilli(1_500))))
        .containsExactly(A);
    // NOT of unknown is unknown: C stays out either way, as Spark would leave it out.
    assertThat(keeps(new Not(new GreaterThan("last_modified", between)))).containsExactly(A);
    assertThat(keeps(new IsNull("last_modified"))).containsExactly(C);
    assertThat(keeps(new Or(new IsNull("last_modified"), new GreaterThan("size", 100L))))
        .containsExactly(B, C);
    assertThat(keeps(new EqualTo("etag", "e"))).containsExactly(A, B, C);
    assertThat(keeps(new Not(new In("size", new Object[] {10L, null})))).isEmpty();
  }

  @Test
  void of_otherColumnsOrValues_leftToSpark() {
    assertThat(ObjectFilters.of(new EqualTo("content", new byte[0]))).isEmpty();
    assertThat(ObjectFilters.of(new GreaterThan("size", 1.5))).isEmpty();
    assertThat(ObjectFilters.of(new GreaterThan("key", "a"))).isEmpty();
    // Half of it cannot be applied: neither can the whole.
    assertThat(ObjectFilters.of(new Or(new EqualTo("size", 1L), new EqualTo("content", "x"))))
        .isEmpty();
  }

  @Test
  void listingPrefix_requiredStartUnderThePrefix_narrowsIt() {
    assertThat(prefix("data/", new StringStartsWith("key", "data/a/"))).contains("data/a/");
    assertThat(prefix("data/", new EqualTo("key", "data/b/2.png"))).contains("data/b/2.png");
    assertThat(prefix("data/", new In("key", new Object[] {"data/a/1", "data/a/2"})))
        .contains("data/a/");
    assertThat(
            prefix(
                "data/",
                new And(new StringStartsWith("key", "data/a"), new GreaterThan("size", 1L))))
        .contains("data/a");
  }

  @Test
  void listingPrefix_startAboveOrBesideThePrefix_keepsItOrListsNothing() {
    assertThat(prefix("data/a/", new StringStartsWith("key", "data/"))).contains("data/a/");
    assertThat(prefix("data/", new StringStartsWith("key", "logs/"))).isEmpty();
    assertThat(prefix("data/", new StringEndsWith("key", ".jpg"))).contains("data/");
    assertThat(prefix("data/", new Or(new EqualTo("key", "data/x"), new EqualTo("key", "y"))))
        .contains("data/");
  }

  private static List<ListedObject> keeps(Filter filter) {
    ObjectFilters.Test test = ObjectFilters.of(filter).orElseThrow();
    return List.of(A, B, C).stream().filter(test::test).toList();
  }

  private static Optional<String> prefix(String prefix, Filter filter) {
    return ObjectFilters.listingPrefix(prefix, List.of(filter));
  }

  private static ListedObject object(String key, long size, long lastModifiedMillis) {
    return new ListedObject(key, size, "\"e\"", lastModifiedMillis, null, null);
  }
}
