package io.retriever.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the key space past the driver's pages is cut: contiguous ranges, nothing twice. */
class PlannerTest {
  @Test
  void rest_afterKey_startsAfterItAndEndsOpen() {
    List<KeyRange> ranges = Planner.rest("keys/", "keys/obj-0000", "keys/obj-0039", null);

    assertThat(ranges.get(0).startAfter()).isEqualTo("keys/obj-0039");
    assertThat(ranges.get(0).upTo()).isEqualTo("keys/obj-004");
    assertThat(ranges.get(ranges.size() - 1).upTo()).isNull();
    for (int i = 1; i < ranges.size(); i++) {
      assertThat(ranges.get(i).startAfter()).isEqualTo(ranges.get(i - 1).upTo());
    }
  }

  @Test
  void rest_afterFolder_skipsItsKeysButNotTheNext() {
    List<KeyRange> ranges = Planner.rest("mixed/", "mixed/a-00/", null, "mixed/a-39/");

    KeyRange first = ranges.get(0);
    assertThat(first.holds("mixed/a-39/k")).as("the folder's own range has it").isFalse();
    assertThat(first.holds("mixed/a-39/" + Keys.LAST_CHARACTER + "x")).isFalse();
    assertThat(first.holds("mixed/a-3:")).isTrue();
    assertThat(ranges.stream().filter(r -> r.holds("mixed/a-40/k"))).hasSize(1);
    assertThat(ranges.stream().filter(r -> r.holds("mixed/obj-0001"))).hasSize(1);
  }

  @Test
  void compare_beyondBasicPlane_ordersAsUtf8Bytes() {
    String beyond = new String(Character.toChars(0x1F600));
    // UTF-16 puts the surrogate pair (0xD83D...) before U+FFFD; UTF-8, as S3 orders keys, after.
    assertThat("a\uFFFD".compareTo("a" + beyond)).isPositive();
    assertThat(Keys.compare("a\uFFFD", "a" + beyond)).isNegative();
    assertThat(Keys.compare("ab", "abc")).isNegative();
    assertThat(Keys.compare("abc", "abc")).isZero();
  }
}
