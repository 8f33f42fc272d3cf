package io.retriever.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SlowDownGovernorTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void decide_no503PastTheSdk_neverCuts() {
    SlowDownGovernor governor = new SlowDownGovernor(64, 0, 0);
    int limit = 64;
    for (long t = 0; t < 60_000 * MS; t += 250 * MS) {
      limit = governor.decide(limit, 0, t);
    }
    assertThat(limit).isEqualTo(64);
  }

  @Test
  void decide_503sEveryTick_cutsAtMostOnceASecond() {
    SlowDownGovernor governor = new SlowDownGovernor(64, 0, 0);
    int limit = 64;
    int cuts = 0;
    long count = 0;
    for (long t = 250 * MS; t <= 3_000 * MS; t += 250 * MS) {
      int next = governor.decide(limit, ++count, t);
      if (next < limit) {
        cuts++;
      }
      limit = next;
    }
    // 12 ticks over 3 s with a new 503 at each: cuts at 0.25 s, 1.25 s and 2.25 s only.
    assertThat(cuts).isEqualTo(3);
    assertThat(limit).isEqualTo(8);
  }

  @Test
  void decide_calmAfterACut_growsBackBySixteenthsAfterFiveSeconds() {
    SlowDownGovernor governor = new SlowDownGovernor(64, 0, 0);
    int limit = governor.decide(64, 1, 0);
    assertThat(limit).isEqualTo(32);
    assertThat(governor.decide(limit, 1, 4_999 * MS)).isEqualTo(32);
    limit = governor.decide(limit, 1, 5_000 * MS);
    assertThat(limit).isEqualTo(36);
    assertThat(governor.decide(limit, 1, 5_500 * MS)).isEqualTo(36);
    for (long t = 6_000 * MS; t <= 20_000 * MS; t += 1_000 * MS) {
      limit = governor.decide(limit, 1, t);
    }
    assertThat(limit).isEqualTo(64);
  }

  @Test
  void decide_manyCuts_neverBelowOne() {
    SlowDownGovernor governor = new SlowDownGovernor(4, 0, 0);
    int limit = 4;
    for (int i = 1; i <= 10; i++) {
      limit = governor.decide(limit, i, i * 1_000 * MS);
    }
    assertThat(limit).isEqualTo(1);
  }
}
