package io.retriever.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.MemoryDownload;
import io.retriever.ObjectBytes;
import io.retriever.Retriever;
import io.retriever.testkit.Faults;
import io.retriever.testkit.Faults.Kind;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary's request count is every HTTP request the server received, retries included. */
class RequestCountTest {
  @Test
  void summary_sdkRetriesSlowDownsAndErrors_countsEveryRequestTheServerGot() throws Exception {
    // 503s and 500s that the SDK retries by itself before Retriever sees an answer.
    Faults faults =
        Faults.schedule(
            Map.of(
                2, Kind.SLOW_DOWN, 3, Kind.INTERNAL_ERROR, 5, Kind.SLOW_DOWN, 6, Kind.SLOW_DOWN));
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("counts");
      List<TestObject> objects = s3.putMany("counts", 12, 20_000, i -> "d/" + i + ".bin");
      try (Retriever retriever = FaultsTest.retriever(s3).build()) {
        MemoryDownload download = retriever.toMemory(DownloadRequest.prefix("counts", "d/"));
        List<ObjectBytes> got = download.objects();
        DownloadSummary summary = download.await();
        assertThat(got).hasSize(objects.size());
        for (int i = 0; i < got.size(); i++) {
          assertThat(TestData.sha256(got.get(i).bytes())).isEqualTo(objects.get(i).sha256());
        }
        assertThat(faults.injected()).isEqualTo(4);
        long received = faults.objectGets() + s3.listRequests() + s3.headRequests();
        assertThat(summary.requests()).isEqualTo(received);
      }
    }
  }
}
