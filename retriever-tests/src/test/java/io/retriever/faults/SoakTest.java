package io.retriever.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.Retriever;
import io.retriever.testkit.Faults;
import io.retriever.testkit.Faults.Kind;
import io.retriever.testkit.Faults.ListFault;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load and soak: 256 workers against LocalS3 with 5 % of the ranged GETs meeting a fault of every
 * kind a download survives (wrong answers and corrupted bytes included) and listing pages broken on
 * the way, every byte verified. Sized by {@code -Dretriever.soak.gets} (ranged GETs, default 2,000;
 * the figures in RELIABILITY.md come from 10,000): {@code mvn -B test -pl retriever-tests
 * -Dtest=SoakTest -Dretriever.soak.gets=10000}.
 */
class SoakTest {
  private static final int CHUNK = 64 << 10;
  private static final int CHUNKS_PER_OBJECT = 16;
  private static final long BUDGET = 64L << 20;

  @Test
  void manyRangedGetsWithMixedFaults_deliverEveryByte(@TempDir Path dir) throws Exception {
    int gets = Integer.getInteger("retriever.soak.gets", 2000);
    int objects = Math.max(1, gets / CHUNKS_PER_OBJECT);
    Faults faults =
        Faults.random(
                2026,
                0.05,
                Kind.SLOW_DOWN,
                Kind.INTERNAL_ERROR,
                Kind.RESET_BEFORE_HEADERS,
                Kind.CLOSE_MID_BODY,
                Kind.STALL,
                Kind.SLOW_FIRST_BYTE,
                Kind.PRECONDITION_FAILED,
                Kind.CORRUPT_BYTE,
                Kind.SHIFTED_BODY,
                Kind.WRONG_RANGE,
                Kind.WHOLE_OBJECT,
                Kind.OTHER_VERSION)
            .afterBytes(CHUNK / 3)
            .stall(Duration.ofSeconds(4))
            .slowFirstByte(Duration.ofMillis(300))
            .listFaults(
                Map.of(
                    2, ListFault.TRUNCATED_BODY,
                    3, ListFault.GARBLED_XML,
                    5, ListFault.CUT_MID_PAGE,
                    6, ListFault.REPEATED_KEYS));
    Set<String> threadsBefore = threadNames();
    long started = System.nanoTime();
    try (LocalS3 s3 = LocalS3.builder().faults(faults).listPageSize(25).start()) {
      s3.createBucket("soak");
      List<TestObject> all =
          s3.putMany("soak", objects, CHUNKS_PER_OBJECT * CHUNK, i -> String.format("d/%05d", i));
      DownloadSummary summary;
      try (Retriever retriever =
          s3.retriever()
              .concurrency(256)
              .chunkSize(CHUNK)
              .maxInFlightBytes(BUDGET)
              .stallTimeout(Duration.ofSeconds(1))
              .maxAttempts(10)
              .maxRetriesPerDownload(gets)
              .build()) {
        summary = retriever.toDirectory(DownloadRequest.prefix("soak", "d/"), dir).await();
      }
      long verified = 0;
      for (TestObject o : all) {
        Path file = dir.resolve(o.key().substring(2));
        assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
        verified += Files.size(file);
      }
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files).hasSize(objects);
      }
      assertThat(summary.objects()).isEqualTo(objects);
      assertThat(summary.peakBufferedBytes()).isLessThanOrEqualTo(BUDGET);
      assertThat(summary.objectsUnverified()).isZero();
      assertThat(faults.injected()).isPositive();
      awaitEnded(threadsBefore);
      assertThat(leaked(threadsBefore)).isEmpty();
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "soak: %d objects, %d ranged GETs planned, %d object GETs received, %d requests sent;"
              + " faults injected %d (%s), listing faults %d; %d retries; %,d bytes verified;"
              + " peak buffered %.1f MiB of %d MiB; %.1f s%n",
          objects,
          objects * CHUNKS_PER_OBJECT,
          faults.objectGets(),
          summary.requests(),
          faults.injected(),
          faults.describe(),
          Arrays.stream(ListFault.values()).mapToLong(faults::injected).sum(),
          summary.retries(),
          verified,
          summary.peakBufferedBytes() / 1048576.0,
          BUDGET >> 20,
          seconds);
    }
  }

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }

  /** Waits, at most 30 s in all, for Retriever's threads started since {@code before} to end. */
  private static void awaitEnded(Set<String> before) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (t.getName().startsWith("retriever-") && !before.contains(t.getName()) && left > 0) {
        t.join(left);
      }
    }
  }

  /** Returns Retriever's threads that are alive now and were not before. */
  private static Set<String> leaked(Set<String> before) {
    Set<String> now = threadNames();
    now.removeAll(before);
    return now.stream().filter(n -> n.startsWith("retriever-")).collect(Collectors.toSet());
  }
}
