package io.retriever.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.DownloadListener;
import io.retriever.DownloadRequest;
import io.retriever.ObjectBytes;
import io.retriever.ProgressSnapshot;
import io.retriever.Retriever;
import io.retriever.event.ChunkRetried;
import io.retriever.testkit.Faults;
import io.retriever.testkit.Faults.Kind;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.RecordingListener;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * 503 SlowDown that the SDK retries away costs what its retries cost: the concurrency is cut only
 * for 503s that outlast them, so the two back-offs do not stack.
 */
class SlowDownCostTest {
  @Test
  void download_tenPercentSlowDown_cutsOnlyFor503sPastTheSdk() throws Exception {
    Faults faults = Faults.random(3, 0.1, Kind.SLOW_DOWN);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("slow");
      List<TestObject> objects = s3.putMany("slow", 300, 10_000, i -> String.format("d/%05d", i));
      AtomicInteger minLimit = new AtomicInteger(Integer.MAX_VALUE);
      RecordingListener recorder = new RecordingListener();
      List<ObjectBytes> got;
      try (Retriever r =
          s3.retriever()
              .concurrency(16)
              .progressInterval(Duration.ofMillis(10))
              .addListener(recorder)
              .addListener(
                  new DownloadListener() {
                    @Override
                    public void progress(ProgressSnapshot s) {
                      minLimit.accumulateAndGet(s.concurrency(), Math::min);
                    }
                  })
              .build()) {
        got = r.toMemory(DownloadRequest.prefix("slow", "d/")).objects();
      }
      assertThat(got).hasSize(objects.size());
      for (int i = 0; i < got.size(); i++) {
        assertThat(TestData.sha256(got.get(i).bytes())).isEqualTo(objects.get(i).sha256());
      }
      long past =
          recorder.events(ChunkRetried.class).stream()
              .filter(e -> e.cause() instanceof S3Exception s && s.statusCode() == 503)
              .count();
      int cuts = 0;
      for (int limit = 16; limit > minLimit.get(); limit /= 2) {
        cuts++;
      }
      assertThat(faults.injected()).as("503s the SDK met").isGreaterThan(10);
      assertThat(cuts)
          .as("cuts, for %d 503s past the SDK's retries", past)
          .isLessThanOrEqualTo((int) past);
    }
  }

  /** Measures by hand: -Dretriever.measureSlowDown=true. */
  @Test
  @EnabledIfSystemProperty(named = "retriever.measureSlowDown", matches = "true")
  void measure() throws Exception {
    for (double p : new double[] {0, 0.1, 0}) {
      Faults faults = Faults.random(3, p, Kind.SLOW_DOWN);
      try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
        s3.createBucket("slow");
        s3.putMany("slow", 2000, 10_000, i -> String.format("d/%05d", i));
        AtomicInteger minLimit = new AtomicInteger(Integer.MAX_VALUE);
        long start = System.nanoTime();
        try (Retriever r =
            s3.retriever()
                .progressInterval(Duration.ofMillis(100))
                .addListener(
                    new DownloadListener() {
                      @Override
                      public void progress(ProgressSnapshot s) {
                        minLimit.accumulateAndGet(s.concurrency(), Math::min);
                      }
                    })
                .build()) {
          var summary = r.toMemory(DownloadRequest.prefix("slow", "d/")).await();
          System.err.printf(
              "MEASURE p=%.2f %d objects in %.1f s, requests %d, 503s %d, min limit %d%n",
              p,
              summary.objects(),
              (System.nanoTime() - start) / 1e9,
              summary.requests(),
              faults.injected(),
              minLimit.get());
        }
      }
    }
  }
}
