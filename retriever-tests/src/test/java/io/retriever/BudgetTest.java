package io.retriever;

import static io.retriever.Fixtures.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestObject;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-flight byte budget bounds every buffered byte, whatever the consumer's pace. */
class BudgetTest {
  private static final long BUDGET = 32L * MiB;

  @Test
  void objects_slowConsumerOfOneGib_neverBuffersMoreThanBudget(@TempDir Path storage)
      throws Exception {
    // Directory storage streams the object from disk rather than holding it in the heap.
    try (LocalS3 s3 = LocalS3.builder().directory(storage).start()) {
      slowConsumer(s3);
    }
  }

  private void slowConsumer(LocalS3 s3) throws Exception {
    s3.createBucket("budget");
    TestObject big = s3.putRandom("budget", "one-gib.bin", 1 << 30);
    long peakSeen = 0;
    long read = 0;
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (Retriever retriever = Fixtures.retriever(s3).maxInFlightBytes(BUDGET).build();
        ObjectDownload download = retriever.objects(DownloadRequest.key("budget", big.key()))) {
      for (ObjectDownload.Item item : download) {
        // Before reading anything, the pipeline fills the budget and stops there.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (download.progress().bufferedBytes() < BUDGET - 8 * MiB) {
          assertThat(System.nanoTime()).as("budget filled within 60 s").isLessThan(deadline);
          Thread.sleep(10);
        }
        Thread.sleep(200);
        peakSeen = download.progress().bufferedBytes();
        assertThat(peakSeen).isLessThanOrEqualTo(BUDGET);
        try (InputStream in = item.stream()) {
          byte[] buffer = new byte[256 * 1024];
          for (int n; (n = in.read(buffer)) >= 0; ) {
            sha.update(buffer, 0, n);
            read += n;
            if (read % (4 * MiB) < n) {
              // A consumer slower than the download, so that the pipeline must hold back.
              Thread.sleep(8);
              peakSeen = Math.max(peakSeen, download.progress().bufferedBytes());
            }
          }
        }
      }
      DownloadSummary summary = download.await();
      assertThat(summary.peakBufferedBytes()).isPositive().isLessThanOrEqualTo(BUDGET);
      assertThat(peakSeen).isLessThanOrEqualTo(BUDGET);
    }
    assertThat(read).isEqualTo(big.size());
    assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(big.sha256());
  }
}
