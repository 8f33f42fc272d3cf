package io.retriever.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.DownloadListener;
import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.IncompleteDownloadException;
import io.retriever.Retriever;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.ChunkRetried;
import io.retriever.event.ObjectListed;
import io.retriever.event.ObjectStarted;
import io.retriever.testkit.Faults;
import io.retriever.testkit.Faults.Kind;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.RecordingListener;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * A server that answers a ranged GET with something other than what was asked for: another range
 * (said or not), the whole object, another version's bytes, a corrupted byte, or 412 for one
 * object. None of it may reach a final name; each costs a retry of that chunk or that object, not
 * the download.
 */
class WrongAnswersTest {
  private static final int CHUNK = 64 << 10;

  private static Retriever.Builder retriever(LocalS3 s3) {
    return s3.retriever().chunkSize(CHUNK).concurrency(1).stallTimeout(Duration.ofSeconds(2));
  }

  @ParameterizedTest
  @EnumSource(
      value = Kind.class,
      names = {"WRONG_RANGE", "WHOLE_OBJECT", "OTHER_VERSION"})
  void visiblyWrongAnswer_toOneRange_isRetriedAsThatChunk(Kind kind, @TempDir Path dir)
      throws Exception {
    Faults faults = Faults.schedule(Map.of(3, kind));
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("wrong");
      TestObject o = s3.putRandom("wrong", "big.bin", 6L * CHUNK + 99);
      RecordingListener recorder = new RecordingListener();
      try (Retriever retriever = retriever(s3).addListener(recorder).build()) {
        retriever.toDirectory(DownloadRequest.prefix("wrong", ""), dir).await();
      }
      assertThat(TestData.sha256(dir.resolve("big.bin"))).isEqualTo(o.sha256());
      assertThat(TestFiles.regularFiles(dir)).containsExactly("big.bin");
      assertThat(faults.injected(kind)).isEqualTo(1);
      // The response was refused before its bytes were used: one chunk fetched again, the object
      // not.
      assertThat(recorder.events(ChunkRetried.class))
          .singleElement()
          .satisfies(r -> assertThat(r.cause()).hasMessageContaining("not using it"));
      assertThat(faults.objectGets()).isEqualTo(8);
      recorder.assertConsistent();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Kind.class,
      names = {"SHIFTED_BODY", "CORRUPT_BYTE"})
  void silentlyWrongBytes_inOneRange_areCaughtByTheEtagMd5AndTheObjectFetchedAgain(
      Kind kind, @TempDir Path dir) throws Exception {
    Faults faults = Faults.schedule(Map.of(3, kind)).afterBytes(100);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("silent");
      TestObject o = s3.putRandom("silent", "big.bin", 6L * CHUNK + 99);
      RecordingListener recorder = new RecordingListener();
      try (Retriever retriever = retriever(s3).addListener(recorder).build()) {
        DownloadSummary summary =
            retriever.toDirectory(DownloadRequest.prefix("silent", ""), dir).await();
        assertThat(summary.objectsUnverified()).isZero();
      }
      assertThat(TestData.sha256(dir.resolve("big.bin"))).isEqualTo(o.sha256());
      assertThat(TestFiles.regularFiles(dir)).containsExactly("big.bin");
      assertThat(faults.injected(kind)).isEqualTo(1);
      assertThat(recorder.events(ObjectStarted.class)).as("fetched twice").hasSize(2);
      // Seven chunks twice, and the one that differs between the two fetches a third time.
      assertThat(faults.objectGets()).isEqualTo(15);
    }
  }

  @Test
  void corruptionInBothFetches_ofAnObject_isResolvedChunkByChunk(@TempDir Path dir)
      throws Exception {
    // GETs 1-6 fetch the object's six chunks: the third is corrupted, the MD5 fails. The second
    // fetch (GETs 7 on) has its second chunk corrupted: it disagrees with the first fetch's, so a
    // third copy is asked for (GET 9) and agrees with the first; chunk 3 disagrees with the first
    // fetch's corrupted copy, and a third (GET 11) agrees with the second. No third fetch of the
    // whole object.
    Faults faults = Faults.schedule(Map.of(3, Kind.CORRUPT_BYTE, 8, Kind.CORRUPT_BYTE));
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("twice");
      TestObject o = s3.putRandom("twice", "big.bin", 6L * CHUNK);
      RecordingListener recorder = new RecordingListener();
      try (Retriever retriever = retriever(s3).addListener(recorder).build()) {
        retriever.toDirectory(DownloadRequest.prefix("twice", ""), dir).await();
      }
      assertThat(TestData.sha256(dir.resolve("big.bin"))).isEqualTo(o.sha256());
      assertThat(recorder.events(ObjectStarted.class)).hasSize(2);
      assertThat(faults.objectGets()).isEqualTo(14);
    }
  }

  @Test
  void silentlyWrongBytes_inMemory_areCaughtToo() throws Exception {
    Faults faults = Faults.schedule(Map.of(2, Kind.SHIFTED_BODY));
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("silent");
      TestObject o = s3.putRandom("silent", "big.bin", 3L * CHUNK);
      try (Retriever retriever = retriever(s3).build()) {
        byte[] bytes =
            retriever.toMemory(DownloadRequest.key("silent", "big.bin")).objects().get(0).bytes();
        assertThat(TestData.sha256(bytes)).isEqualTo(o.sha256());
      }
      assertThat(faults.injected(Kind.SHIFTED_BODY)).isEqualTo(1);
    }
  }

  @Test
  void wrongBytes_everyTime_failThatObjectAloneAndKeepNothingOfIt(@TempDir Path dir)
      throws Exception {
    Faults faults = Faults.random(3, 1.0, Kind.SHIFTED_BODY);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("liar");
      s3.putRandom("liar", "a-big.bin", 4L * CHUNK);
      TestObject small = s3.putRandom("liar", "b-small.bin", 1000);
      try (Retriever retriever = retriever(s3).maxAttempts(3).build()) {
        assertThatThrownBy(
                () -> retriever.toDirectory(DownloadRequest.prefix("liar", ""), dir).await())
            .isInstanceOfSatisfying(
                IncompleteDownloadException.class,
                e -> {
                  assertThat(e.failures()).hasSize(1);
                  assertThat(e.failures().get(0).error().reason()).isEqualTo(Reason.CORRUPT);
                  assertThat(e.failures().get(0).error())
                      .hasMessageMatching(
                          "s3://liar/a-big\\.bin does not match its MD5 \\(the bytes received"
                              + " give [0-9a-f]{32}, the store states [0-9a-f]{32}\\) on every"
                              + " attempt: the server or the network corrupts it; nothing was"
                              + " kept");
                });
      }
      assertThat(TestFiles.regularFiles(dir)).containsExactly("b-small.bin");
      assertThat(TestData.sha256(dir.resolve("b-small.bin"))).isEqualTo(small.sha256());
      assertThat(faults.objectGets()).as("three fetches of 4 chunks, and one GET").isEqualTo(13);
    }
  }

  @Test
  void preconditionFailed_forAnObjectThatDidNotChange_isRetried(@TempDir Path dir)
      throws Exception {
    Faults faults = Faults.schedule(Map.of(3, Kind.PRECONDITION_FAILED));
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("same");
      List<TestObject> objects = s3.putMany("same", 5, 1000, i -> "o" + i);
      try (Retriever retriever = retriever(s3).build()) {
        retriever.toDirectory(DownloadRequest.prefix("same", ""), dir).await();
      }
      assertThat(faults.injected(Kind.PRECONDITION_FAILED)).isEqualTo(1);
      for (TestObject o : objects) {
        assertThat(TestData.sha256(dir.resolve(o.key()))).isEqualTo(o.sha256());
      }
    }
  }

  @Test
  void objectThatChanged_afterItWasListed_failsAloneAndTheRestArrive(@TempDir Path dir)
      throws Exception {
    try (LocalS3 s3 = LocalS3.start()) {
      s3.createBucket("changed");
      List<TestObject> objects = s3.putMany("changed", 10, 1000, i -> "o" + i);
      DownloadListener overwriter =
          new DownloadListener() {
            @Override
            public void objectListed(ObjectListed e) {
              if (e.object().key().equals("o3")) {
                s3.put("changed", "o3", new byte[] {1, 2, 3});
              }
            }
          };
      try (Retriever retriever = retriever(s3).addListener(overwriter).build()) {
        assertThatThrownBy(
                () -> retriever.toDirectory(DownloadRequest.prefix("changed", ""), dir).await())
            .isInstanceOfSatisfying(
                IncompleteDownloadException.class,
                e -> {
                  assertThat(e.failures()).hasSize(1);
                  assertThat(e.failures().get(0).object().key()).isEqualTo("o3");
                  assertThat(e.failures().get(0).error().reason()).isEqualTo(Reason.CHANGED);
                });
      }
      assertThat(TestFiles.regularFiles(dir)).hasSize(9).doesNotContain("o3");
      for (TestObject o : objects) {
        if (!o.key().equals("o3")) {
          assertThat(TestData.sha256(dir.resolve(o.key()))).isEqualTo(o.sha256());
        }
      }
    }
  }

  @Test
  void multipartUpload_withoutChecksums_isCheckedByItsEtag(@TempDir Path dir) throws Exception {
    try (LocalS3 s3 = LocalS3.start()) {
      s3.createBucket("mpu");
      byte[] first = TestData.randomStream(5 << 20, 1).readAllBytes();
      byte[] second = TestData.randomStream(100_000, 2).readAllBytes();
      try (S3Client client = s3.newClient()) {
        String id = client.createMultipartUpload(b -> b.bucket("mpu").key("parts.bin")).uploadId();
        String e1 =
            client
                .uploadPart(
                    b -> b.bucket("mpu").key("parts.bin").uploadId(id).partNumber(1),
                    RequestBody.fromBytes(first))
                .eTag();
        String e2 =
            client
                .uploadPart(
                    b -> b.bucket("mpu").key("parts.bin").uploadId(id).partNumber(2),
                    RequestBody.fromBytes(second))
                .eTag();
        client.completeMultipartUpload(
            b ->
                b.bucket("mpu")
                    .key("parts.bin")
                    .uploadId(id)
                    .multipartUpload(
                        m ->
                            m.parts(
                                CompletedPart.builder().partNumber(1).eTag(e1).build(),
                                CompletedPart.builder().partNumber(2).eTag(e2).build())));
      }
      TestObject plain = s3.putRandom("mpu", "plain.bin", 3L * CHUNK);
      DownloadSummary summary;
      try (Retriever retriever = s3.retriever().chunkSize(1 << 20).build()) {
        summary = retriever.toDirectory(DownloadRequest.prefix("mpu", ""), dir).await();
      }
      byte[] whole = new byte[first.length + second.length];
      System.arraycopy(first, 0, whole, 0, first.length);
      System.arraycopy(second, 0, whole, first.length, second.length);
      assertThat(TestData.sha256(dir.resolve("parts.bin"))).isEqualTo(TestData.sha256(whole));
      assertThat(TestData.sha256(dir.resolve("plain.bin"))).isEqualTo(plain.sha256());
      // S3Proxy does not say how the object was cut, but 5 MiB parts are the one uploaders' size
      // that makes it: the MD5 of the parts' MD5s is its ETag.
      assertThat(summary.objectsUnverified()).isZero();
    }
  }
}
