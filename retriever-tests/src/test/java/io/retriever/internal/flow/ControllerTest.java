package io.retriever.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ControllerTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  /** Bytes done so far in a targeting run. */
  private long bytes;

  /** The time of a targeting run. */
  private long now;

  /** 503s past the SDK's retries so far in a targeting run. */
  private long slowDowns;

  /** Waits the controller's interval at {@code rate} bytes a second, then asks it to decide. */
  private int after(Controller controller, int limit, long rate) {
    long interval = controller.intervalNanos();
    now += interval;
    bytes += rate * interval / TimeUnit.SECONDS.toNanos(1);
    return controller.decide(limit, bytes, slowDowns, now);
  }

  @Test
  void fixed_no503PastTheSdk_neverCuts() {
    Controller controller = Controller.fixed(64, 0, 0);
    int limit = 64;
    for (long t = 0; t < 60_000 * MS; t += 250 * MS) {
      limit = controller.decide(limit, t, 0, t);
    }
    assertThat(limit).isEqualTo(64);
    assertThat(controller.intervalNanos()).isEqualTo(250 * MS);
  }

  @Test
  void fixed_503sEveryTick_cutsAtMostOnceASecond() {
    Controller controller = Controller.fixed(64, 0, 0);
    int limit = 64;
    int cuts = 0;
    long count = 0;
    for (long t = 250 * MS; t <= 3_000 * MS; t += 250 * MS) {
      int next = controller.decide(limit, 0, ++count, t);
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
  void fixed_503sSpacedASecond_halveEachTime() {
    Controller controller = Controller.fixed(64, 10, 0);
    assertThat(controller.decide(64, 0, 11, 1_000 * MS)).isEqualTo(32);
    assertThat(controller.decide(32, 0, 12, 2_000 * MS)).isEqualTo(16);
    assertThat(controller.decide(16, 0, 13, 3_000 * MS)).isEqualTo(8);
  }

  @Test
  void fixed_firstByteLatencyRisingWellAboveTheLowest_cuts_andHoldsGrowthWhileHigh() {
    Controller controller = Controller.fixed(64, 0, 0);
    long firstBytes = 0;
    long latency = 0;
    int limit = 64;
    // 25 ms to the first byte while the store keeps up: no cut.
    for (long t = 250 * MS; t <= 2_000 * MS; t += 250 * MS) {
      firstBytes += 10;
      latency += 10 * 25 * MS;
      limit = controller.decide(limit, 0, 0, firstBytes, latency, t);
    }
    assertThat(limit).isEqualTo(64);
    // Requests queue at the store: 2 s to the first byte. Cut once, then judge again only when
    // as many first bytes as the old limit came back (the requests sent before the cut).
    int cuts = 0;
    for (long t = 2_250 * MS; t <= 5_750 * MS; t += 250 * MS) {
      firstBytes += 4;
      latency += 4 * 2_000 * MS;
      int next = controller.decide(limit, 0, 0, firstBytes, latency, t);
      if (next < limit) {
        cuts++;
      }
      limit = next;
    }
    assertThat(cuts).isEqualTo(1);
    assertThat(limit).isEqualTo(32);
    // Still queueing after those 64: cut again.
    for (long t = 6_000 * MS; t <= 7_000 * MS; t += 250 * MS) {
      firstBytes += 4;
      latency += 4 * 2_000 * MS;
      limit = controller.decide(limit, 0, 0, firstBytes, latency, t);
    }
    assertThat(limit).isEqualTo(16);
    // Still high, with no new first byte for a long while: no growth.
    for (long t = 7_250 * MS; t <= 20_000 * MS; t += 250 * MS) {
      limit = controller.decide(limit, 0, 0, firstBytes, latency, t);
    }
    assertThat(limit).isEqualTo(16);
    // Back to 25 ms: the limit grows again.
    for (long t = 20_250 * MS; t <= 30_000 * MS; t += 250 * MS) {
      firstBytes += 10;
      latency += 10 * 25 * MS;
      limit = controller.decide(limit, 0, 0, firstBytes, latency, t);
    }
    assertThat(limit).isGreaterThan(16);
  }

  @Test
  void fixed_latencyThatRisesLessThanASecond_neverCuts() {
    Controller controller = Controller.fixed(64, 0, 0);
    long firstBytes = 0;
    long latency = 0;
    int limit = 64;
    for (long t = 250 * MS; t <= 30_000 * MS; t += 250 * MS) {
      firstBytes += 10;
      // From 1 ms to 400 ms: 400 times the lowest, but a store answering, not a queue.
      latency += 10 * (t < 5_000 * MS ? 1 : 400) * MS;
      limit = controller.decide(limit, 0, 0, firstBytes, latency, t);
    }
    assertThat(limit).isEqualTo(64);
  }

  @Test
  void fixed_503sCountedBeforeTheStart_doNotCut() {
    Controller controller = Controller.fixed(64, 7, 0);
    assertThat(controller.decide(64, 0, 7, 250 * MS)).isEqualTo(64);
  }

  @Test
  void fixed_calmAfterACut_growsBackBySixteenthsAfterFiveSeconds() {
    Controller controller = Controller.fixed(64, 0, 0);
    int limit = controller.decide(64, 0, 1, 0);
    assertThat(limit).isEqualTo(32);
    assertThat(controller.decide(limit, 0, 1, 4_999 * MS)).isEqualTo(32);
    limit = controller.decide(limit, 0, 1, 5_000 * MS);
    assertThat(limit).isEqualTo(36);
    assertThat(controller.decide(limit, 0, 1, 5_500 * MS)).isEqualTo(36);
    for (long t = 6_000 * MS; t <= 20_000 * MS; t += 1_000 * MS) {
      limit = controller.decide(limit, 0, 1, t);
    }
    assertThat(limit).isEqualTo(64);
  }

  @Test
  void fixed_manyCuts_neverBelowOne() {
    Controller controller = Controller.fixed(4, 0, 0);
    int limit = 4;
    for (int i = 1; i <= 10; i++) {
      limit = controller.decide(limit, 0, i, i * 1_000 * MS);
    }
    assertThat(limit).isEqualTo(1);
  }

  @Test
  void targeting_firstMeasurement_setsTheLimitFromTheRatePerConnection() {
    // 8 connections at 1 MB/s each; 48 MB/s asks for 48.
    Controller controller = Controller.targeting(48e6, 8, 64, 0, 0, 0);
    assertThat(controller.intervalNanos()).isEqualTo(200 * MS);
    assertThat(after(controller, 8, 8_000_000)).isEqualTo(48);
    assertThat(controller.intervalNanos()).isEqualTo(500 * MS);
  }

  @Test
  void targeting_firstMeasurementAboveTheCeiling_setsTheCeiling() {
    Controller controller = Controller.targeting(480e6, 8, 64, 0, 0, 0);
    assertThat(after(controller, 8, 8_000_000)).isEqualTo(64);
  }

  @Test
  void targeting_nothingDownloadedYet_measuresAgainSoon() {
    Controller controller = Controller.targeting(48e6, 8, 64, 0, 0, 0);
    assertThat(after(controller, 8, 0)).isEqualTo(8);
    assertThat(controller.intervalNanos()).isEqualTo(200 * MS);
    assertThat(after(controller, 8, 8_000_000)).isEqualTo(48);
  }

  @Test
  void targeting_growthPaysOff_growsByAQuarter() {
    Controller controller = Controller.targeting(100e6, 8, 1000, 0, 0, 0);
    assertThat(after(controller, 8, 8_000_000)).isEqualTo(100);
    // Below the target and up by more than 5 % on the last interval: grow.
    assertThat(after(controller, 100, 50_000_000)).isEqualTo(125);
    assertThat(after(controller, 125, 60_000_000)).isEqualTo(156);
  }

  @Test
  void targeting_growthBoughtNothing_stepsBackAndHolds() {
    Controller controller = Controller.targeting(100e6, 8, 1000, 0, 0, 0);
    assertThat(after(controller, 8, 8_000_000)).isEqualTo(100);
    assertThat(after(controller, 100, 50_000_000)).isEqualTo(125);
    // 125 connections bring less than 5 % more than 100 did: back to 100.
    assertThat(after(controller, 125, 51_000_000)).isEqualTo(100);
    // It stays four intervals, whatever happens, 503s included.
    slowDowns++;
    for (int i = 0; i < Controller.HOLD_INTERVALS; i++) {
      assertThat(after(controller, 100, 10_000_000)).isEqualTo(100);
    }
    // Then it tries again: 100 is not more than the limit it stepped back to, so it grows.
    assertThat(after(controller, 100, 51_000_000)).isEqualTo(125);
  }

  @Test
  void targeting_atTheTarget_staysPut() {
    Controller controller = Controller.targeting(100e6, 8, 1000, 0, 0, 0);
    assertThat(after(controller, 8, 8_000_000)).isEqualTo(100);
    assertThat(after(controller, 100, 95_000_000)).isEqualTo(100);
    assertThat(after(controller, 100, 120_000_000)).isEqualTo(100);
  }

  @Test
  void targeting_503PastTheSdk_halvesAtEveryIntervalWithOne() {
    Controller controller = Controller.targeting(100e6, 8, 1000, 0, 0, 0);
    assertThat(after(controller, 8, 8_000_000)).isEqualTo(100);
    slowDowns++;
    assertThat(after(controller, 100, 50_000_000)).isEqualTo(50);
    slowDowns++;
    assertThat(after(controller, 50, 50_000_000)).isEqualTo(25);
    slowDowns++;
    assertThat(after(controller, 1, 50_000_000)).isEqualTo(1);
  }

  @Test
  void targeting_notPositive_throws() {
    assertThatThrownBy(() -> Controller.targeting(0, 8, 64, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("throughput target");
  }
}
