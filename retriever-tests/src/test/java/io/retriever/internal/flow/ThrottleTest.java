package io.retriever.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThrottleTest {
  private static final int MiB = 1 << 20;

  @Test
  void pay_tenMiBAtOneMiBPerSecond_takesTenSecondsOfClockTime() throws Exception {
    FakeClock clock = new FakeClock();
    Throttle throttle = new Throttle(MiB, clock);
    for (int i = 0; i < 160; i++) {
      throttle.pay(64 * 1024);
    }
    assertThat(clock.nanoTime()).isEqualTo(TimeUnit.SECONDS.toNanos(10));
    assertThat(clock.slept()).isEqualTo(TimeUnit.SECONDS.toNanos(10));
  }

  @Test
  void pay_oddSizesFromManyDownloads_capsTheirSum() throws Exception {
    FakeClock clock = new FakeClock();
    Throttle throttle = new Throttle(3_000_000, clock);
    long paid = 0;
    // Two downloads' workers take turns with reads of different sizes.
    for (int i = 0; i < 1000; i++) {
      int bytes = i % 2 == 0 ? 8_191 : 12_345;
      throttle.pay(bytes);
      paid += bytes;
    }
    long expected = paid * 1_000_000_000L / 3_000_000;
    // Each payment rounds its cost down by less than a nanosecond.
    assertThat(clock.nanoTime()).isBetween(expected - 1000, expected);
  }

  @Test
  void pay_atTheRate_neverWaits() throws Exception {
    FakeClock clock = new FakeClock();
    Throttle throttle = new Throttle(MiB, clock);
    for (int i = 0; i < 100; i++) {
      clock.advance(125, TimeUnit.MILLISECONDS);
      throttle.pay(128 * 1024);
    }
    assertThat(clock.sleeps()).isEmpty();
  }

  @Test
  void pay_afterAPause_letsAQuarterSecondComeAtOnce() throws Exception {
    FakeClock clock = new FakeClock();
    Throttle throttle = new Throttle(MiB, clock);
    clock.advance(10, TimeUnit.SECONDS);
    throttle.pay(MiB / 4);
    assertThat(clock.sleeps()).isEmpty();
    throttle.pay(MiB / 8);
    assertThat(clock.sleeps()).containsExactly(TimeUnit.MILLISECONDS.toNanos(125));
  }

  @Test
  void constructor_noCap_throws() {
    assertThatThrownBy(() -> new Throttle(0, new FakeClock()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bandwidth cap");
  }
}
