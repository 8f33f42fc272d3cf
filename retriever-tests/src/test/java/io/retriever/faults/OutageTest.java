package io.retriever.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.DownloadListener;
import io.retriever.DownloadRequest;
import io.retriever.FileDownload;
import io.retriever.FileOptions;
import io.retriever.ProgressSnapshot;
import io.retriever.Retriever;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.ObjectListed;
import io.retriever.event.StoreReachable;
import io.retriever.event.StoreUnreachable;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.RecordingListener;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that goes away mid-download and comes back on the same port, a slow store, and a listing
 * that meets an outage between its pages: ridden through byte-exact, or, past the limit, failed
 * with what was fetched kept for a rerun that fetches only the rest.
 */
class OutageTest {
  static final int CHUNK = 1 << 20;

  static Retriever.Builder retriever(LocalS3 s3) {
    return s3.retriever()
        .chunkSize(CHUNK)
        .concurrency(8)
        .stallTimeout(Duration.ofSeconds(2))
        .progressInterval(Duration.ofMillis(50));
  }

  static void assertSameFiles(Path dir, List<TestObject> objects, String prefix) throws Exception {
    for (TestObject o : objects) {
      Path file = dir.resolve(o.key().substring(prefix.length()));
      assertThat(file).as(o.key()).hasSize(o.size());
      assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
    }
  }

  @Test
  void shortOutage_midDownload_isRiddenThrough_byteExact(@TempDir Path dir) throws Exception {
    try (LocalS3 s3 = LocalS3.builder().streamBytesPerSecond(4L << 20).start()) {
      s3.createBucket("outage");
      List<TestObject> objects = new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        objects.add(s3.putRandom("outage", "d/o" + i + ".bin", 6L * CHUNK + 12_345));
      }
      long data = objects.stream().mapToLong(TestObject::size).sum();
      RecordingListener recorder = new RecordingListener();
      try (Retriever retriever = retriever(s3).addListener(recorder).build()) {
        FileDownload download =
            retriever.toDirectory(
                DownloadRequest.prefix("outage", "d/"), dir, FileOptions.defaults());
        Thread outage = s3.outage(Duration.ofMillis(800), Duration.ofSeconds(3));
        assertThat(download.files()).hasSize(objects.size());
        outage.join();
      }
      assertSameFiles(dir, objects, "d/");
      // At its edges an outage may flap (a response that got its headers just as the server
      // stopped): each time the store stops answering is ended by an answer, and one lasted.
      List<StoreReachable> ends = recorder.events(StoreReachable.class);
      assertThat(recorder.events(StoreUnreachable.class)).isNotEmpty().hasSameSizeAs(ends);
      assertThat(ends).anyMatch(e -> e.downtime().compareTo(Duration.ofSeconds(2)) > 0);
      // Each range resumed from its last byte: at most a chunk per request cut again.
      assertThat(s3.bytesServed()).isLessThanOrEqualTo(data + 8L * CHUNK);
      recorder.assertConsistent();
    }
  }

  @Test
  void outageLongerThanTheLimit_failsKeepingProgress_andTheRerunFetchesOnlyTheRest(
      @TempDir Path dir) throws Exception {
    try (LocalS3 s3 = LocalS3.builder().streamBytesPerSecond(4L << 20).start()) {
      s3.createBucket("long");
      TestObject big = s3.putRandom("long", "big.bin", 24L * CHUNK + 7);
      Path file = dir.resolve("big.bin");
      try (Retriever retriever = retriever(s3).maxOutage(Duration.ofSeconds(2)).build()) {
        FileDownload download =
            retriever.toFile(
                DownloadRequest.key("long", "big.bin"),
                file,
                FileOptions.defaults().withKeepPartial(true));
        waitForBytes(download, 12L * CHUNK);
        s3.stopServing();
        long started = System.nanoTime();
        assertThatThrownBy(download::await)
            .isInstanceOfSatisfying(
                RetrieverException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE))
            .hasMessageContaining("stopped answering while fetching s3://long/big.bin")
            .hasMessageContaining("within 2 s")
            .hasMessageContaining("Retriever.Builder.maxOutage");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .isLessThan(Duration.ofSeconds(30));
        assertThat(download.keptBytes()).isGreaterThanOrEqualTo(4L * CHUNK);
      }
      assertThat(file).doesNotExist();
      assertThat(TestFiles.partFiles(dir, "big.bin")).hasSize(1);
      s3.resumeServing();
      long kept = TestFiles.journalChunks(TestFiles.journal(dir, "big.bin")) * (long) CHUNK;
      long before = s3.bytesServed();
      try (Retriever retriever = retriever(s3).build()) {
        retriever
            .toFile(DownloadRequest.key("long", "big.bin"), file, FileOptions.defaults())
            .await();
      }
      assertThat(TestData.sha256(file)).isEqualTo(big.sha256());
      assertThat(s3.bytesServed() - before).isLessThanOrEqualTo(big.size() - kept + CHUNK);
      assertThat(TestFiles.temporaryFiles(dir)).isEmpty();
    }
  }

  @Test
  void maxOutageZero_failsAtTheAttemptsLimit() throws Exception {
    try (LocalS3 s3 = LocalS3.builder().streamBytesPerSecond(4L << 20).start()) {
      s3.createBucket("zero");
      s3.putRandom("zero", "big.bin", 24L * CHUNK);
      try (Retriever retriever = retriever(s3).maxOutage(Duration.ZERO).maxAttempts(2).build()) {
        var download = retriever.toMemory(DownloadRequest.key("zero", "big.bin"));
        waitForBytes(download, 2L * CHUNK);
        s3.stopServing();
        long started = System.nanoTime();
        // As before outages were ridden through: the endpoint stopped answering, and says so.
        assertThatThrownBy(download::await)
            .isInstanceOf(RetrieverException.class)
            .satisfies(
                e ->
                    assertThat(e.getMessage())
                        .containsAnyOf("cannot reach " + s3.endpoint(), "transfer of s3://zero/")
                        .doesNotContain("stopped answering"));
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .isLessThan(Duration.ofSeconds(15));
      }
    }
  }

  @Test
  void slowStore_atTheDefaults_completes_andTheConcurrencyComesDown(@TempDir Path dir)
      throws Exception {
    // Two requests served at once, each at 4 MiB/s: the others wait with no byte sent.
    try (LocalS3 s3 =
        LocalS3.builder()
            .servingAtOnce(2)
            .streamBytesPerSecond(4L << 20)
            .firstByteLatency(Duration.ofMillis(20))
            .start()) {
      s3.createBucket("slow");
      TestObject big = s3.putRandom("slow", "big.bin", 40L * CHUNK + 3);
      RecordingListener recorder = new RecordingListener();
      try (Retriever retriever =
          s3.retriever()
              .chunkSize(CHUNK)
              .stallTimeout(Duration.ofSeconds(2))
              .progressInterval(Duration.ofMillis(100))
              .addListener(recorder)
              .build()) {
        retriever
            .toFile(
                DownloadRequest.key("slow", "big.bin"),
                dir.resolve("big.bin"),
                FileOptions.defaults())
            .await();
      }
      assertThat(TestData.sha256(dir.resolve("big.bin"))).isEqualTo(big.sha256());
      assertThat(recorder.events(ProgressSnapshot.class))
          .extracting(ProgressSnapshot::concurrency)
          .as("concurrency cut from 64 as requests queued at the store")
          .anyMatch(c -> c < 64);
    }
  }

  @Test
  void listingMeetsAnOutageBetweenPages_andGoesOn(@TempDir Path dir) throws Exception {
    try (LocalS3 s3 = LocalS3.builder().listPageSize(20).start()) {
      s3.createBucket("pages");
      List<TestObject> objects = s3.putMany("pages", 200, 3_000, i -> String.format("k%04d", i));
      AtomicBoolean stopped = new AtomicBoolean();
      DownloadListener stopAtFifty =
          new DownloadListener() {
            @Override
            public void objectListed(ObjectListed event) {
              if (event.object().key().equals("k0050") && stopped.compareAndSet(false, true)) {
                s3.stopServing();
                s3.outage(Duration.ZERO, Duration.ofSeconds(2));
              }
            }
          };
      RecordingListener recorder = new RecordingListener();
      try (Retriever retriever =
          retriever(s3).addListener(stopAtFifty).addListener(recorder).build()) {
        assertThat(
                retriever
                    .toDirectory(DownloadRequest.prefix("pages", ""), dir, FileOptions.defaults())
                    .files())
            .hasSize(objects.size());
      }
      assertThat(stopped).isTrue();
      assertSameFiles(dir, objects, "");
      assertThat(recorder.events(StoreUnreachable.class)).isNotEmpty();
    }
  }

  private static void waitForBytes(io.retriever.Download download, long bytes)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (download.progress().bytesDone() < bytes) {
      assertThat(System.nanoTime()).as("bytes done in time").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
