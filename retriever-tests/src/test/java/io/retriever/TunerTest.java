package io.retriever;

import static io.retriever.Fixtures.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A throughput target moves the concurrency while the download runs; the bytes stay right. */
class TunerTest {
  @Test
  void targetThroughput_slowStreams_growsConcurrencyBeyondItsStart() throws Exception {
    // Each stream is slow, so only more connections can approach the target.
    try (LocalS3 s3 = LocalS3.builder().streamBytesPerSecond(2L * MiB).start()) {
      s3.createBucket("tuned");
      TestObject o = s3.putRandom("tuned", "big.bin", 48 * MiB);
      AtomicInteger highest = new AtomicInteger();
      DownloadListener watch =
          new DownloadListener() {
            @Override
            public void progress(ProgressSnapshot snapshot) {
              highest.accumulateAndGet(snapshot.concurrency(), Math::max);
            }
          };
      try (Retriever retriever =
          Fixtures.retriever(s3)
              .chunkSize(MiB)
              .concurrency(48)
              .maxInFlightBytes(48L * MiB)
              .targetThroughputGbps(0.4)
              .addListener(watch)
              .progressInterval(java.time.Duration.ofMillis(50))
              .build()) {
        byte[] bytes =
            retriever.toMemory(DownloadRequest.key("tuned", o.key())).objects().get(0).bytes();
        assertThat(TestData.sha256(bytes)).isEqualTo(o.sha256());
      }
      // It starts at 8; 0.4 Gbit/s at 2 MiB/s a stream asks for about 24.
      assertThat(highest.get()).isGreaterThan(8);
    }
  }
}
