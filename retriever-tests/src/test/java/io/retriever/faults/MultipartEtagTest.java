package io.retriever.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.ObjectDownload;
import io.retriever.Retriever;
import io.retriever.event.ObjectStarted;
import io.retriever.testkit.Faults;
import io.retriever.testkit.Faults.Kind;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.RecordingListener;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Multipart uploads without stored checksums, checked by their ETag (the MD5 of their parts' MD5s):
 * with the part size the store states (a HEAD of part 1), the one their size suggests when the
 * store does not say, and none that fits. Bytes that a store or a network got wrong are caught and
 * fetched again in each case; what cannot be checked is named, with why.
 */
class MultipartEtagTest {
  private static final long MIB = 1 << 20;

  private static Retriever.Builder retriever(LocalS3 s3, long chunkSize) {
    return s3.retriever().chunkSize(chunkSize).concurrency(1).stallTimeout(Duration.ofSeconds(5));
  }

  /**
   * 6 MiB parts (no uploader's default), two and a byte: only the store's word tells the layout;
   * the size suggests 5 MiB parts, or three of 4 MiB and a third.
   */
  private static final long SIX_MIB_PARTS = 12 * MIB + 1;

  @ParameterizedTest
  @EnumSource(
      value = Kind.class,
      names = {"CORRUPT_BYTE", "SHIFTED_BODY", "OTHER_VERSION", "WRONG_RANGE"})
  void partSizeFromTheStore_wrongBytesInOnePart_areCaughtAndFetchedAgain(
      Kind kind, @TempDir Path dir) throws Exception {
    Faults faults = Faults.schedule(Map.of(2, kind)).afterBytes(1000);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("mpu");
      TestObject o = s3.putRandomInParts("mpu", "six.bin", SIX_MIB_PARTS, 6 * MIB);
      RecordingListener recorder = new RecordingListener();
      DownloadSummary summary;
      try (Retriever retriever = retriever(s3, 8 * MIB).addListener(recorder).build()) {
        summary = retriever.toDirectory(DownloadRequest.prefix("mpu", ""), dir).await();
      }
      assertThat(TestData.sha256(dir.resolve("six.bin"))).isEqualTo(o.sha256());
      assertThat(TestFiles.regularFiles(dir)).containsExactly("six.bin");
      assertThat(summary.objectsUnverified()).isZero();
      assertThat(faults.injected(kind)).isEqualTo(1);
      if (kind == Kind.CORRUPT_BYTE || kind == Kind.SHIFTED_BODY) {
        // Caught by the parts' MD5s: the object again (3 GETs), and the part that differs between
        // the two fetches a third time.
        assertThat(recorder.events(ObjectStarted.class)).as("fetched twice").hasSize(2);
        assertThat(faults.objectGets()).isEqualTo(3 + 3 + 1);
      } else {
        // Refused on sight (another ETag, another range): that part alone again.
        assertThat(recorder.events(ObjectStarted.class)).hasSize(1);
        assertThat(faults.objectGets()).isEqualTo(3 + 1);
      }
    }
  }

  @Test
  void partSizeFromTheStore_partsCutIntoSeveralChunks_areReadBackAndChecked(@TempDir Path dir)
      throws Exception {
    Faults faults = Faults.schedule(Map.of(4, Kind.CORRUPT_BYTE)).afterBytes(77);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("mpu");
      TestObject o = s3.putRandomInParts("mpu", "six.bin", SIX_MIB_PARTS, 6 * MIB);
      RecordingListener recorder = new RecordingListener();
      DownloadSummary summary;
      try (Retriever retriever =
          retriever(s3, 2 * MIB).concurrency(4).addListener(recorder).build()) {
        summary = retriever.toDirectory(DownloadRequest.prefix("mpu", ""), dir).await();
      }
      assertThat(TestData.sha256(dir.resolve("six.bin"))).isEqualTo(o.sha256());
      assertThat(summary.objectsUnverified()).isZero();
      assertThat(recorder.events(ObjectStarted.class)).as("fetched twice").hasSize(2);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Kind.class,
      names = {"CORRUPT_BYTE", "SHIFTED_BODY", "OTHER_VERSION"})
  void partSizeInferred_wrongBytesInOnePart_areCaughtAndFetchedAgain(Kind kind, @TempDir Path dir)
      throws Exception {
    // A store that answers a HEAD of part 1 for the whole object, as S3Proxy does: 8 MiB parts,
    // as the AWS CLI uploads, are inferred from the size and the count.
    Faults faults = Faults.schedule(Map.of(3, kind)).afterBytes(5).answersPartNumbers(false);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("mpu");
      TestObject o = s3.putRandomInParts("mpu", "eight.bin", 16 * MIB + 3, 8 * MIB);
      TestObject small = s3.putRandomInParts("mpu", "small.bin", 5 * MIB + 100_000, 5 * MIB);
      RecordingListener recorder = new RecordingListener();
      DownloadSummary summary;
      try (Retriever retriever = retriever(s3, 8 * MIB).addListener(recorder).build()) {
        summary = retriever.toDirectory(DownloadRequest.prefix("mpu", ""), dir).await();
      }
      assertThat(TestData.sha256(dir.resolve("eight.bin"))).isEqualTo(o.sha256());
      assertThat(TestData.sha256(dir.resolve("small.bin"))).isEqualTo(small.sha256());
      assertThat(summary.objectsUnverified()).isZero();
      assertThat(faults.injected(kind)).isEqualTo(1);
      assertThat(recorder.events(ObjectStarted.class)).hasSize(kind == Kind.OTHER_VERSION ? 2 : 3);
    }
  }

  @Test
  void partSizeNotInferable_isNamedUnverified_afterTwoFetchesAgree_andAFlippedByteIsStillCaught(
      @TempDir Path dir) throws Exception {
    // 7 MiB parts, which no uploader uses by default, and a store that does not say: the size
    // allows 5 MiB parts or parts of equal size, neither of which gives the ETag. The first fetch
    // has a flipped byte, which the second fetch shows up chunk by chunk.
    Faults faults =
        Faults.schedule(Map.of(2, Kind.CORRUPT_BYTE)).afterBytes(9).answersPartNumbers(false);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("mpu");
      TestObject o = s3.putRandomInParts("mpu", "seven.bin", 14 * MIB + 1, 7 * MIB);
      RecordingListener recorder = new RecordingListener();
      DownloadSummary summary;
      try (Retriever retriever = retriever(s3, 8 * MIB).addListener(recorder).build()) {
        summary = retriever.toDirectory(DownloadRequest.prefix("mpu", ""), dir).await();
      }
      assertThat(TestData.sha256(dir.resolve("seven.bin"))).isEqualTo(o.sha256());
      assertThat(faults.injected(Kind.CORRUPT_BYTE)).isEqualTo(1);
      assertThat(recorder.events(ObjectStarted.class)).as("fetched twice").hasSize(2);
      assertThat(summary.unverified()).containsExactly("s3://mpu/seven.bin");
      assertThat(summary.unverifiedReasons().get("s3://mpu/seven.bin"))
          .contains("3 parts whose size the store does not state")
          .contains("3 parts of 5 MiB");
      assertThat(summary.describeUnverified(3))
          .startsWith("1 object unverified: s3://mpu/seven.bin (uploaded in 3 parts");
    }
  }

  @Test
  void partSizeFromTheStore_isTrustedOverTheSize_whichWouldSuggestAnother(@TempDir Path dir)
      throws Exception {
    // The same 6 MiB parts without the store's word: the size suggests 5 MiB parts or equal ones,
    // and neither gives the ETag; two fetches agree, and the object is named.
    Faults faults = Faults.none().answersPartNumbers(false);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("mpu");
      TestObject o = s3.putRandomInParts("mpu", "six.bin", SIX_MIB_PARTS, 6 * MIB);
      DownloadSummary summary;
      try (Retriever retriever = retriever(s3, 8 * MIB).build()) {
        summary = retriever.toDirectory(DownloadRequest.prefix("mpu", ""), dir).await();
      }
      assertThat(TestData.sha256(dir.resolve("six.bin"))).isEqualTo(o.sha256());
      assertThat(summary.unverified()).containsExactly("s3://mpu/six.bin");
      faults.answersPartNumbers(true);
      try (Retriever retriever = retriever(s3, 8 * MIB).build()) {
        summary =
            retriever.toDirectory(DownloadRequest.prefix("mpu", ""), dir.resolve("again")).await();
      }
      assertThat(TestData.sha256(dir.resolve("again/six.bin"))).isEqualTo(o.sha256());
      assertThat(summary.objectsUnverified()).isZero();
    }
  }

  @Test
  void severalPartSizesFit_theOneThatGivesTheEtagIsFound(@TempDir Path dir) throws Exception {
    // 12 MiB in two 10 MiB-and-2 parts: 8 MiB parts are likelier, and tried first; 10 MiB ones
    // are tried next on the bytes read back.
    try (LocalS3 s3 = LocalS3.start()) {
      s3.createBucket("mpu");
      TestObject o = s3.putRandomInParts("mpu", "ten.bin", 12 * MIB, 10 * MIB);
      RecordingListener recorder = new RecordingListener();
      DownloadSummary summary;
      try (Retriever retriever = retriever(s3, 8 * MIB).addListener(recorder).build()) {
        summary = retriever.toDirectory(DownloadRequest.prefix("mpu", ""), dir).await();
      }
      assertThat(TestData.sha256(dir.resolve("ten.bin"))).isEqualTo(o.sha256());
      assertThat(summary.objectsUnverified()).isZero();
      assertThat(recorder.events(ObjectStarted.class)).as("fetched once").hasSize(1);
    }
  }

  @Test
  void inOrder_aPartPerChunk_isCheckedAsItStreams(@TempDir Path dir) throws Exception {
    Faults faults = Faults.schedule(Map.of(2, Kind.CORRUPT_BYTE)).afterBytes(3);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("mpu");
      TestObject good = s3.putRandomInParts("mpu", "a.bin", 13 * MIB, 5 * MIB);
      DownloadSummary summary;
      try (Retriever retriever = retriever(s3, 8 * MIB).build();
          ObjectDownload objects = retriever.objects(DownloadRequest.key("mpu", "a.bin"))) {
        for (ObjectDownload.Item item : objects) {
          MessageDigest sha = MessageDigest.getInstance("SHA-256");
          try (InputStream in = item.stream()) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
              sha.update(buffer, 0, n);
            }
          } catch (java.io.IOException e) {
            // The corrupted part reached the stream before its check: the download fails.
            assertThat(e).hasMessageContaining("does not match its ETag");
            return;
          }
          assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(good.sha256());
        }
        summary = objects.await();
      }
      assertThat(summary.objectsUnverified()).isZero();
    }
  }
}
