package io.retriever;

import static io.retriever.Fixtures.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many downloads on one Retriever share its one in-flight byte budget: together they never buffer
 * more than it, a slow ordered consumer does not starve the others, and every lease is given back.
 */
class SharedBudgetTest {
  private static final long BUDGET = 8L * MiB;

  private static LocalS3 s3;
  private static final Map<String, TestObject> OBJECTS = new TreeMap<>();

  @BeforeAll
  static void start() {
    // Slow enough per stream that the downloads overlap for a while.
    s3 = LocalS3.builder().firstByteLatency(Duration.ofMillis(2)).start();
    s3.createBucket("shared");
    for (String prefix : List.of("files/", "memory/", "stream/", "chunks/")) {
      for (int i = 0; i < 6; i++) {
        TestObject o = s3.putRandom("shared", prefix + i + ".bin", (i + 1) * MiB + i);
        OBJECTS.put(o.key(), o);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void concurrentDownloads_oneRetriever_stayWithinOneBudgetAndAllFinish(@TempDir Path dir)
      throws Exception {
    AtomicLong peakSeen = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    try (Retriever retriever =
        Fixtures.retriever(s3).maxInFlightBytes(BUDGET).chunkSize(MiB).concurrency(8).build()) {
      Thread watcher =
          new Thread(
              () -> {
                while (running.get()) {
                  peakSeen.accumulateAndGet(retriever.bufferedBytes(), Math::max);
                  Thread.onSpinWait();
                }
              });
      watcher.start();
      AtomicBoolean fastOnesDone = new AtomicBoolean();
      // The slow consumer: an ordered stream read a little at a time.
      CompletableFuture<Map<String, String>> slow =
          CompletableFuture.supplyAsync(
              () -> readStreams(retriever, "stream/", fastOnesDone, true));
      CompletableFuture<Map<String, String>> chunks =
          CompletableFuture.supplyAsync(() -> readChunks(retriever, "chunks/"));
      CompletableFuture<Map<String, String>> memory =
          CompletableFuture.supplyAsync(() -> readMemory(retriever, "memory/"));
      CompletableFuture<DownloadSummary> files =
          CompletableFuture.supplyAsync(
              () -> retriever.toDirectory(DownloadRequest.prefix("shared", "files/"), dir).await());

      DownloadSummary filesDone = files.get(90, TimeUnit.SECONDS);
      Map<String, String> memoryDone = memory.get(90, TimeUnit.SECONDS);
      Map<String, String> chunksDone = chunks.get(90, TimeUnit.SECONDS);
      // The unordered and the fast ordered downloads finished while the slow one still reads.
      assertThat(slow).isNotDone();
      fastOnesDone.set(true);
      Map<String, String> slowDone = slow.get(90, TimeUnit.SECONDS);
      running.set(false);
      watcher.join(TimeUnit.SECONDS.toMillis(10));

      assertThat(filesDone.objects()).isEqualTo(6);
      for (int i = 0; i < 6; i++) {
        TestObject o = OBJECTS.get("files/" + i + ".bin");
        Path file = dir.resolve(i + ".bin");
        assertThat(file).hasSize(o.size());
        assertThat(TestData.sha256(file)).isEqualTo(o.sha256());
      }
      assertSameBytes(memoryDone, "memory/");
      assertSameBytes(chunksDone, "chunks/");
      assertSameBytes(slowDone, "stream/");
      assertThat(retriever.peakBufferedBytes()).isPositive().isLessThanOrEqualTo(BUDGET);
      assertThat(peakSeen.get()).isLessThanOrEqualTo(BUDGET);
      assertThat(retriever.bufferedBytes()).as("every lease given back").isZero();
    }
  }

  private static void assertSameBytes(Map<String, String> hashes, String prefix) {
    Map<String, String> expected = new TreeMap<>();
    OBJECTS.forEach(
        (key, o) -> {
          if (key.startsWith(prefix)) {
            expected.put(key, o.sha256());
          }
        });
    assertThat(hashes).isEqualTo(expected);
  }

  /** Reads each object as a stream; a slow reader waits a little between small reads. */
  private static Map<String, String> readStreams(
      Retriever retriever, String prefix, AtomicBoolean othersDone, boolean slow) {
    Map<String, String> hashes = new TreeMap<>();
    try (ObjectDownload download = retriever.objects(DownloadRequest.prefix("shared", prefix))) {
      for (ObjectDownload.Item item : download) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = item.stream()) {
          byte[] buffer = new byte[64 * 1024];
          for (int n; (n = in.read(buffer)) >= 0; ) {
            sha.update(buffer, 0, n);
            if (slow && !othersDone.get()) {
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(3));
            }
          }
        }
        hashes.put(item.object().key(), HexFormat.of().formatHex(sha.digest()));
      }
      download.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return hashes;
  }

  private static Map<String, String> readChunks(Retriever retriever, String prefix) {
    Map<String, MessageDigest> digests = new TreeMap<>();
    try (ChunkDownload download = retriever.chunks(DownloadRequest.prefix("shared", prefix))) {
      for (Chunk chunk : download) {
        MessageDigest sha = digests.computeIfAbsent(chunk.object().key(), k -> newSha256());
        byte[] bytes = new byte[chunk.data().remaining()];
        chunk.data().duplicate().get(bytes);
        sha.update(bytes);
      }
      download.await();
    }
    Map<String, String> hashes = new TreeMap<>();
    digests.forEach((k, d) -> hashes.put(k, HexFormat.of().formatHex(d.digest())));
    return hashes;
  }

  private static Map<String, String> readMemory(Retriever retriever, String prefix) {
    MemoryDownload download = retriever.toMemory(DownloadRequest.prefix("shared", prefix));
    download.await();
    Map<String, String> hashes = new TreeMap<>();
    List<ObjectBytes> all = new ArrayList<>(download.objects());
    for (ObjectBytes o : all) {
      hashes.put(o.object().key(), TestData.sha256(o.bytes()));
    }
    return hashes;
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
