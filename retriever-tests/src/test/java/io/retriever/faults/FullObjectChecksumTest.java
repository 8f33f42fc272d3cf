package io.retriever.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.DownloadListener;
import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.Retriever;
import io.retriever.event.ChunkRetried;
import io.retriever.event.ObjectStarted;
import io.retriever.testkit.Faults;
import io.retriever.testkit.Faults.Kind;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.RecordingListener;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Objects fetched in ranges are checked against S3's full-object CRC: the chunks' CRCs are combined
 * and compared with what a HEAD in checksum mode returns.
 */
class FullObjectChecksumTest {
  private static final int CHUNK = 64 << 10;

  @Test
  void rangedObject_withACrc_arrivesWhole(@TempDir Path dir) throws Exception {
    try (LocalS3 s3 = LocalS3.builder().faults(Faults.none().listChecksums("CRC32C")).start()) {
      s3.createBucket("crc");
      TestObject big = s3.putRandomWithChecksum("crc", "big.bin", 7L * CHUNK + 5, "CRC32C");
      TestObject small = s3.putRandomWithChecksum("crc", "small.bin", 1000, "CRC32C");
      try (Retriever retriever = s3.retriever().chunkSize(CHUNK).build()) {
        retriever.toDirectory(DownloadRequest.prefix("crc", ""), dir).await();
      }
      assertThat(TestData.sha256(dir.resolve("big.bin"))).isEqualTo(big.sha256());
      assertThat(TestData.sha256(dir.resolve("small.bin"))).isEqualTo(small.sha256());
    }
  }

  @Test
  void crc64Nvme_theDefaultOfS3_catchesACorruptedRange(@TempDir Path dir) throws Exception {
    Faults faults =
        Faults.schedule(Map.of(2, Kind.CORRUPT_BYTE)).afterBytes(99).listChecksums("CRC64NVME");
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("nvme");
      TestObject o = s3.putRandomWithChecksum("nvme", "n.bin", 5L * CHUNK + 1, "CRC64NVME");
      RecordingListener recorder = new RecordingListener();
      try (Retriever retriever =
          s3.retriever().chunkSize(CHUNK).concurrency(1).addListener(recorder).build()) {
        retriever.toDirectory(DownloadRequest.prefix("nvme", ""), dir).await();
      }
      assertThat(faults.injected(Kind.CORRUPT_BYTE)).isEqualTo(1);
      assertThat(recorder.events(ObjectStarted.class)).as("caught, fetched again").hasSize(2);
      assertThat(TestData.sha256(dir.resolve("n.bin"))).isEqualTo(o.sha256());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"CRC64NVME", "CRC32C", "CRC32", "SHA256", "SHA1"})
  void wholeObject_withAChecksum_isCheckedByItAndRefetchedWhenCorrupt(
      String algorithm, @TempDir Path dir) throws Exception {
    // GET 1 is the 1-byte object, GET 2 the first try of the 1,000-byte one: corrupted.
    Faults faults =
        Faults.schedule(Map.of(2, Kind.CORRUPT_BYTE)).afterBytes(500).listChecksums(algorithm);
    String bucket = "whole-" + algorithm.toLowerCase(Locale.ROOT);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket(bucket);
      TestObject one = s3.putRandomWithChecksum(bucket, "a.bin", 1, algorithm);
      TestObject some = s3.putRandomWithChecksum(bucket, "b.bin", 1000, algorithm);
      TestObject chunk = s3.putRandomWithChecksum(bucket, "c.bin", CHUNK, algorithm);
      TestObject empty = s3.putRandomWithChecksum(bucket, "d.bin", 0, algorithm);
      List<Throwable> causes = new CopyOnWriteArrayList<>();
      try (Retriever retriever =
          s3.retriever()
              .chunkSize(CHUNK)
              .concurrency(1)
              .addListener(
                  new DownloadListener() {
                    @Override
                    public void chunkRetried(ChunkRetried e) {
                      causes.add(e.cause());
                    }
                  })
              .build()) {
        retriever.toDirectory(DownloadRequest.prefix(bucket, ""), dir).await();
      }
      assertThat(faults.injected(Kind.CORRUPT_BYTE)).isEqualTo(1);
      assertThat(causes)
          .singleElement()
          .satisfies(c -> assertThat(c).hasMessageContaining(algorithm + " "));
      assertThat(TestData.sha256(dir.resolve("a.bin"))).isEqualTo(one.sha256());
      assertThat(TestData.sha256(dir.resolve("b.bin"))).isEqualTo(some.sha256());
      assertThat(TestData.sha256(dir.resolve("c.bin"))).isEqualTo(chunk.sha256());
      assertThat(TestData.sha256(dir.resolve("d.bin"))).isEqualTo(empty.sha256());
    }
  }

  @Test
  void multipartUpload_eachPartIsCheckedAgainstItsCrc(@TempDir Path dir) throws Exception {
    // GETs 1 and 2 are part 1's two chunks; GET 3 is the first chunk of part 2.
    Faults faults =
        Faults.schedule(Map.of(3, Kind.CORRUPT_BYTE)).afterBytes(5).listChecksums("CRC32C");
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("parts");
      TestObject o = s3.putRandomMultipart("parts", "m.bin", 7L * CHUNK + 3, 2L * CHUNK, "CRC32C");
      TestObject odd = s3.putRandomMultipart("parts", "odd.bin", 5L * CHUNK, 100_000, "CRC32");
      RecordingListener recorder = new RecordingListener();
      try (Retriever retriever =
          s3.retriever().chunkSize(CHUNK).concurrency(1).addListener(recorder).build()) {
        retriever.toDirectory(DownloadRequest.prefix("parts", "m.bin"), dir).await();
        assertThat(recorder.events(ObjectStarted.class)).as("caught, fetched again").hasSize(2);
        // Parts that do not begin on chunk boundaries have no CRC to form: the ETag's MD5, read
        // back, checks the object instead.
        DownloadSummary summary =
            retriever.toDirectory(DownloadRequest.prefix("parts", "odd.bin"), dir).await();
        assertThat(summary.objectsUnverified()).isZero();
      }
      assertThat(TestData.sha256(dir.resolve("m.bin"))).isEqualTo(o.sha256());
      assertThat(TestData.sha256(dir.resolve("odd.bin"))).isEqualTo(odd.sha256());
    }
  }

  @Test
  void sha256_ofARangedObject_isCheckedByReadingItBack(@TempDir Path dir) throws Exception {
    Faults faults =
        Faults.schedule(Map.of(2, Kind.CORRUPT_BYTE)).afterBytes(7).listChecksums("SHA256");
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("sha");
      TestObject o = s3.putRandomWithChecksum("sha", "s.bin", 4L * CHUNK + 9, "SHA256");
      RecordingListener recorder = new RecordingListener();
      try (Retriever retriever =
          s3.retriever().chunkSize(CHUNK).concurrency(1).addListener(recorder).build()) {
        retriever.toDirectory(DownloadRequest.prefix("sha", ""), dir).await();
        assertThat(recorder.events(ObjectStarted.class)).as("caught, fetched again").hasSize(2);
        faults.enabled(false);
        byte[] inMemory =
            retriever.toMemory(DownloadRequest.prefix("sha", "")).objects().get(0).bytes();
        assertThat(TestData.sha256(inMemory)).isEqualTo(o.sha256());
      }
      assertThat(TestData.sha256(dir.resolve("s.bin"))).isEqualTo(o.sha256());
    }
  }

  @Test
  void corruptedRange_isCaughtByTheCrcAndItsObjectFetchedAgain(@TempDir Path dir) throws Exception {
    // GET 1 is a.bin (one GET); GETs 2 to 9 are the chunks of b.bin: the third is corrupted.
    Faults faults =
        Faults.schedule(Map.of(4, Kind.CORRUPT_BYTE)).afterBytes(1234).listChecksums("CRC32C");
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("crcbad");
      TestObject a = s3.putRandomWithChecksum("crcbad", "a.bin", 1000, "CRC32C");
      TestObject b = s3.putRandomWithChecksum("crcbad", "b.bin", 8L * CHUNK, "CRC32C");
      RecordingListener recorder = new RecordingListener();
      try (Retriever retriever =
          s3.retriever().chunkSize(CHUNK).concurrency(1).addListener(recorder).build()) {
        retriever.toDirectory(DownloadRequest.prefix("crcbad", ""), dir).await();
      }
      assertThat(faults.injected(Kind.CORRUPT_BYTE)).isEqualTo(1);
      assertThat(recorder.events(ObjectStarted.class))
          .extracting(e -> e.object().key())
          .containsExactly("a.bin", "b.bin", "b.bin");
      assertThat(TestFiles.regularFiles(dir)).containsExactly("a.bin", "b.bin");
      assertThat(TestData.sha256(dir.resolve("a.bin"))).isEqualTo(a.sha256());
      assertThat(TestData.sha256(dir.resolve("b.bin"))).isEqualTo(b.sha256());
    }
  }
}
