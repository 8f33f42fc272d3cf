package io.retriever.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.ObjectBytes;
import io.retriever.ProgressSnapshot;
import io.retriever.Retriever;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.ChunkRequested;
import io.retriever.testkit.Faults;
import io.retriever.testkit.Faults.Kind;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.RecordingListener;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each fault LocalS3 can inject, met by a download that still delivers the right bytes; and the
 * bounds on retrying.
 */
class FaultsTest {
  static final int CHUNK = 64 << 10;

  static Retriever.Builder retriever(LocalS3 s3) {
    return s3.retriever()
        .chunkSize(CHUNK)
        .concurrency(4)
        .stallTimeout(Duration.ofSeconds(1))
        .progressInterval(Duration.ofMillis(50));
  }

  @ParameterizedTest
  @EnumSource(
      value = Kind.class,
      mode = EnumSource.Mode.EXCLUDE,
      names = {
        "PRECONDITION_FAILED",
        "SHIFTED_BODY",
        "WRONG_RANGE",
        "WHOLE_OBJECT",
        "OTHER_VERSION"
      })
  void eachFault_onTheFirstGet_isSurvived(Kind kind) throws Exception {
    Faults faults =
        Faults.schedule(Map.of(1, kind))
            .afterBytes(10_000)
            .stall(Duration.ofSeconds(20))
            .slowFirstByte(Duration.ofMillis(300));
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("faults");
      // One GET for the whole object: the fault meets the whole-object path, MD5 checked.
      TestObject o = s3.putRandom("faults", "one.bin", 50_000);
      RecordingListener recorder = new RecordingListener();
      long started = System.nanoTime();
      try (Retriever retriever = retriever(s3).addListener(recorder).build()) {
        byte[] bytes =
            retriever.toMemory(DownloadRequest.key("faults", "one.bin")).objects().get(0).bytes();
        assertThat(TestData.sha256(bytes)).isEqualTo(o.sha256());
      }
      recorder.assertConsistent();
      assertThat(faults.injected(kind)).isEqualTo(1);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("recovered well within the stall's 20 s")
          .isLessThan(Duration.ofSeconds(10));
      if (kind == Kind.CLOSE_MID_BODY || kind == Kind.STALL) {
        // The retry asks only for what had not arrived.
        assertThat(recorder.events(ChunkRequested.class))
            .extracting(ChunkRequested::firstByte)
            .containsExactly(0L, 10_000L);
      }
      if (kind == Kind.CORRUPT_BYTE) {
        assertThat(recorder.events(ChunkRequested.class))
            .as("the corrupted body was fetched again, whole")
            .extracting(ChunkRequested::firstByte)
            .containsExactly(0L, 0L);
      }
      if (kind == Kind.SLOW_FIRST_BYTE) {
        assertThat(recorder.events(ChunkRequested.class)).hasSize(1);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Kind.class,
      names = {"CLOSE_MID_BODY", "STALL", "INTERNAL_ERROR", "RESET_BEFORE_HEADERS", "SLOW_DOWN"})
  void faultOnARangedChunk_resumesThatChunk(Kind kind) throws Exception {
    Faults faults =
        Faults.schedule(Map.of(3, kind)).afterBytes(5_000).stall(Duration.ofSeconds(20));
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("ranged");
      TestObject o = s3.putRandom("ranged", "big.bin", 6L * CHUNK + 99);
      try (Retriever retriever = retriever(s3).build()) {
        byte[] bytes =
            retriever.toMemory(DownloadRequest.key("ranged", "big.bin")).objects().get(0).bytes();
        assertThat(TestData.sha256(bytes)).isEqualTo(o.sha256());
      }
      assertThat(faults.injected(kind)).isEqualTo(1);
    }
  }

  @Test
  void corruptByte_everyTime_failsAsCorruptAndKeepsNothing() throws Exception {
    Faults faults = Faults.random(7, 1.0, Kind.CORRUPT_BYTE);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("corrupt");
      s3.putRandom("corrupt", "c.bin", 1000);
      try (Retriever retriever = retriever(s3).maxAttempts(3).build()) {
        assertThatThrownBy(
                () -> retriever.toMemory(DownloadRequest.key("corrupt", "c.bin")).await())
            .isInstanceOfSatisfying(
                RetrieverException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
            .hasMessageContaining("s3://corrupt/c.bin failed verification on all 3 attempts")
            .hasMessageContaining("Retriever.Builder.verify(false)");
        // Without verification the corrupted bytes would be delivered: the check is what stops
        // them.
        List<ObjectBytes> unchecked;
        try (Retriever trusting = retriever(s3).verify(false).build()) {
          unchecked = trusting.toMemory(DownloadRequest.key("corrupt", "c.bin")).objects();
        }
        assertThat(unchecked).hasSize(1);
      }
    }
  }

  @Test
  void slowDowns_lowerTheConcurrency() throws Exception {
    // Throttling that outlasts the SDK's own retries: 32 GETs in flight, each a lean GET and then
    // the SDK's attempts (up to 4), all 503.
    Map<Integer, Kind> first160 = new java.util.HashMap<>();
    for (int i = 1; i <= 160; i++) {
      first160.put(i, Kind.SLOW_DOWN);
    }
    Faults faults = Faults.schedule(first160);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("slow");
      List<TestObject> objects = s3.putMany("slow", 300, 2000, i -> "o" + i);
      RecordingListener recorder = new RecordingListener();
      try (Retriever retriever =
          retriever(s3)
              .concurrency(32)
              .addListener(recorder)
              .maxRetriesPerDownload(10_000)
              .build()) {
        List<ObjectBytes> got = retriever.toMemory(DownloadRequest.prefix("slow", "")).objects();
        assertThat(got).hasSize(objects.size());
        for (int i = 0; i < got.size(); i++) {
          String key = got.get(i).object().key();
          TestObject want =
              objects.stream().filter(t -> t.key().equals(key)).findFirst().orElseThrow();
          assertThat(TestData.sha256(got.get(i).bytes())).isEqualTo(want.sha256());
        }
      }
      assertThat(faults.injected(Kind.SLOW_DOWN)).isPositive();
      assertThat(recorder.events(ProgressSnapshot.class))
          .extracting(ProgressSnapshot::concurrency)
          .as("concurrency cut below 32 after 503s")
          .anyMatch(c -> c <= 16);
    }
  }

  @Test
  void retries_areBoundedPerChunkAndPerDownload() throws Exception {
    Faults faults = Faults.random(11, 1.0, Kind.INTERNAL_ERROR);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("bounded");
      s3.putMany("bounded", 20, 1000, i -> "k" + i);
      // Every GET answered 500 is an outage to ride through; with no outage allowed, each counts.
      try (Retriever retriever = retriever(s3).maxOutage(Duration.ZERO).maxAttempts(2).build()) {
        assertThatThrownBy(() -> retriever.toMemory(DownloadRequest.key("bounded", "k1")).await())
            .isInstanceOf(RetrieverException.class)
            .hasMessageContaining("s3://bounded/k1");
      }
      try (Retriever retriever =
          retriever(s3)
              .maxOutage(Duration.ZERO)
              .maxAttempts(100)
              .maxRetriesPerDownload(5)
              .build()) {
        assertThatThrownBy(() -> retriever.toMemory(DownloadRequest.prefix("bounded", "")).await())
            .isInstanceOf(RetrieverException.class)
            .hasMessageContaining("gave up after 5 retries in this download");
      }
    }
  }

  @Test
  void randomFaults_areReproducibleFromTheSeed() throws Exception {
    String[] seen = new String[2];
    for (int run = 0; run < 2; run++) {
      Faults faults =
          Faults.random(
                  42,
                  0.2,
                  Kind.SLOW_DOWN,
                  Kind.INTERNAL_ERROR,
                  Kind.CLOSE_MID_BODY,
                  Kind.CORRUPT_BYTE)
              .afterBytes(700);
      try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
        s3.createBucket("seeded");
        List<TestObject> objects = s3.putMany("seeded", 60, 1500, i -> "s" + i);
        try (Retriever retriever = retriever(s3).maxAttempts(20).build()) {
          DownloadSummary summary =
              retriever.toMemory(DownloadRequest.prefix("seeded", "")).await();
          assertThat(summary.objects()).isEqualTo(objects.size());
        }
        seen[run] = faults.describe();
      }
    }
    assertThat(seen[0]).isNotEqualTo("none").isEqualTo(seen[1]);
  }
}
