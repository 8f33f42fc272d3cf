package io.retriever;

import static io.retriever.Fixtures.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bandwidth cap holds a download back; it never changes the bytes. */
@ExtendWith(LocalS3Extension.class)
class BandwidthTest {
  @Test
  void maxBandwidth_capBelowServerSpeed_takesAtLeastSizeOverRate(LocalS3 s3) {
    s3.createBucket("capped");
    TestObject o = s3.putRandom("capped", "eight.bin", 8 * MiB);
    try (Retriever retriever =
        Fixtures.retriever(s3).chunkSize(MiB).maxBandwidth(4L * MiB).build()) {
      MemoryDownload download = retriever.toMemory(DownloadRequest.key("capped", o.key()));
      ObjectBytes bytes = download.objects().get(0);
      DownloadSummary summary = download.await();
      assertThat(TestData.sha256(bytes.bytes())).isEqualTo(o.sha256());
      // 8 MiB at 4 MiB/s, less the quarter second of burst the cap allows.
      assertThat(summary.wallTime()).isGreaterThan(Duration.ofMillis(1700));
    }
  }
}
