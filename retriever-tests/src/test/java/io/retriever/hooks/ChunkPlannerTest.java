package io.retriever.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.DownloadListener;
import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.FileDownload;
import io.retriever.FileOptions;
import io.retriever.HookException;
import io.retriever.IncompleteDownloadException;
import io.retriever.MemoryDownload;
import io.retriever.ObjectBytes;
import io.retriever.ObjectDownload;
import io.retriever.ObjectInfo;
import io.retriever.Retriever;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.ChunkCompleted;
import io.retriever.event.ChunkRequested;
import io.retriever.event.ChunksPlanned;
import io.retriever.event.ObjectFailed;
import io.retriever.event.ObjectStarted;
import io.retriever.hook.ChunkLayout;
import io.retriever.hook.ChunkPlanner;
import io.retriever.testkit.Faults;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.RecordingListener;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chunk planner cuts objects into ranges of its own: every range it plans is requested, the bytes
 * land whole and are checked as a whole against the layout, an interrupted download resumes with
 * the same planner, and a planner whose layout is wrong fails its object alone.
 */
@ExtendWith(LocalS3Extension.class)
class ChunkPlannerTest {
  private static final int CHUNK = 64 << 10;
  private static final FileOptions KEEP = FileOptions.defaults().withKeepPartial(true);

  /** Cuts objects into a full chunk, a half, a third and 7 bytes, over again. */
  static final class Unequal implements ChunkPlanner {
    @Override
    public ChunkLayout plan(ObjectInfo object, int maxChunkSize) {
      int[] lengths = {maxChunkSize, maxChunkSize / 2 + 1, maxChunkSize / 3, 7};
      List<Long> starts = new ArrayList<>();
      for (long at = 0; at < object.size(); at += lengths[starts.size() % lengths.length]) {
        starts.add(at);
      }
      return ChunkLayout.of(object.size(), starts.stream().mapToLong(Long::longValue).toArray());
    }
  }

  /** Cuts objects of 2 bytes up to two chunks into two halves, others uniformly. */
  static final class Halves implements ChunkPlanner {
    @Override
    public ChunkLayout plan(ObjectInfo object, int maxChunkSize) {
      long size = object.size();
      return size >= 2 && size <= 2L * maxChunkSize
          ? ChunkLayout.of(size, 0, size / 2)
          : ChunkLayout.uniform(size, maxChunkSize);
    }
  }

  /** Plans chunks longer than allowed for keys ending in {@code bad.bin}. */
  static final class TooLong implements ChunkPlanner {
    @Override
    public ChunkLayout plan(ObjectInfo object, int maxChunkSize) {
      int length = object.key().endsWith("bad.bin") ? 2 * maxChunkSize : maxChunkSize;
      return ChunkLayout.uniform(object.size(), length);
    }
  }

  /** Returns the ranges requested on first attempts, by key, as "offset+length", in order. */
  private static Map<String, List<String>> requested(RecordingListener recorder) {
    Map<String, List<String>> ranges = new TreeMap<>();
    recorder.events(ChunkRequested.class).stream()
        .filter(e -> e.attempt() == 1)
        .sorted((a, b) -> Long.compare(a.task().offset(), b.task().offset()))
        .forEach(
            e ->
                ranges
                    .computeIfAbsent(e.task().object().key(), k -> new ArrayList<>())
                    .add(e.task().offset() + "+" + e.task().length()));
    return ranges;
  }

  /** Returns the ranges of {@code layout} as "offset+length", in order. */
  private static List<String> ranges(ChunkLayout layout) {
    List<String> ranges = new ArrayList<>();
    for (int i = 0; i < layout.count(); i++) {
      ranges.add(layout.offset(i) + "+" + layout.length(i));
    }
    return ranges;
  }

  private static ChunkLayout planned(ChunkPlanner planner, TestObject o) throws Exception {
    return planner.plan(new ObjectInfo("b", o.key(), o.size(), null, null), CHUNK);
  }

  @Test
  void unequalChunks_objectWithAFullObjectCrc_arrivesVerifiedAsFileAndStream(@TempDir Path dir)
      throws Exception {
    try (LocalS3 s3 = LocalS3.builder().faults(Faults.none().listChecksums("CRC32C")).start()) {
      s3.createBucket("crc");
      TestObject o = s3.putRandomWithChecksum("crc", "u.bin", 7L * CHUNK + 5, "CRC32C");
      Unequal planner = new Unequal();
      RecordingListener recorder = new RecordingListener();
      try (Retriever retriever =
          s3.retriever().chunkSize(CHUNK).chunkPlanner(planner).addListener(recorder).build()) {
        DownloadSummary files =
            retriever.toDirectory(DownloadRequest.prefix("crc", ""), dir).await();
        assertThat(files.unverified()).isEmpty();
        assertThat(TestData.sha256(dir.resolve("u.bin"))).isEqualTo(o.sha256());
        ChunksPlanned plan = recorder.events(ChunksPlanned.class).get(0);
        assertThat(plan.chunks()).isEqualTo(planned(planner, o).count()).isGreaterThan(8);
        assertThat(plan.chunkSize()).isEqualTo(CHUNK);
        assertThat(requested(recorder))
            .containsExactly(Map.entry("u.bin", ranges(planned(planner, o))));

        try (ObjectDownload stream = retriever.objects(DownloadRequest.prefix("crc", ""))) {
          for (ObjectDownload.Item item : stream) {
            try (InputStream in = item.stream()) {
              assertThat(TestData.sha256(in)).isEqualTo(o.sha256());
            }
          }
          assertThat(stream.await().unverified()).isEmpty();
        }
      }
    }
  }

  @Test
  void unequalChunks_objectWithAnMd5ETag_isCheckedByReadingItBack(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("md5");
    TestObject o = s3.putRandom("md5", "m.bin", 6L * CHUNK + 11);
    Unequal planner = new Unequal();
    RecordingListener recorder = new RecordingListener();
    try (Retriever retriever =
        s3.retriever().chunkSize(CHUNK).chunkPlanner(planner).addListener(recorder).build()) {
      DownloadSummary files = retriever.toDirectory(DownloadRequest.prefix("md5", ""), dir).await();
      assertThat(files.unverified()).isEmpty();
      assertThat(TestData.sha256(dir.resolve("m.bin"))).isEqualTo(o.sha256());
      assertThat(requested(recorder))
          .containsExactly(Map.entry("m.bin", ranges(planned(planner, o))));

      try (MemoryDownload memory = retriever.toMemory(DownloadRequest.prefix("md5", ""))) {
        ObjectBytes bytes = memory.objects().get(0);
        assertThat(TestData.sha256(bytes.bytes())).isEqualTo(o.sha256());
        assertThat(memory.await().unverified()).isEmpty();
      }
      try (ObjectDownload stream = retriever.objects(DownloadRequest.prefix("md5", ""))) {
        for (ObjectDownload.Item item : stream) {
          try (InputStream in = item.stream()) {
            assertThat(TestData.sha256(in)).isEqualTo(o.sha256());
          }
        }
        stream.await();
      }
    }
  }

  /**
   * Downloads {@code request} into {@code dir} on one worker, cut by {@code planner}, and cancels
   * it once three chunks are in, keeping its temporary file and journal.
   */
  private static void cancelAfterThreeChunks(
      LocalS3 s3, Path dir, DownloadRequest request, ChunkPlanner planner) throws Exception {
    CountDownLatch threeIn = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    AtomicInteger completed = new AtomicInteger();
    DownloadListener holdAfterThree =
        new DownloadListener() {
          @Override
          public void chunkCompleted(ChunkCompleted event) {
            if (completed.incrementAndGet() == 3) {
              threeIn.countDown();
              try {
                // The one worker waits here, so that no fourth chunk starts before the cancel.
                assertThat(cancelled.await(30, TimeUnit.SECONDS)).isTrue();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    try (Retriever retriever =
        s3.retriever()
            .chunkSize(CHUNK)
            .concurrency(1)
            .chunkPlanner(planner)
            .addListener(holdAfterThree)
            .build()) {
      FileDownload download = retriever.toDirectory(request, dir, KEEP);
      assertThat(threeIn.await(30, TimeUnit.SECONDS)).isTrue();
      download.cancel();
      cancelled.countDown();
      assertThatThrownBy(download::await)
          .isInstanceOf(RetrieverException.class)
          .extracting(e -> ((RetrieverException) e).reason())
          .isEqualTo(Reason.CANCELLED);
      download.close();
    }
  }

  @Test
  void cancelledDownload_rerunWithTheSamePlanner_fetchesOnlyTheRest(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("resume");
    TestObject o = s3.putRandom("resume", "r.bin", 9L * CHUNK + 3);
    Unequal planner = new Unequal();
    ChunkLayout layout = planned(planner, o);
    DownloadRequest request = DownloadRequest.prefix("resume", "");
    cancelAfterThreeChunks(s3, dir, request, planner);
    assertThat(TestFiles.journalChunks(TestFiles.journal(dir, "r.bin"))).isEqualTo(3);

    RecordingListener recorder = new RecordingListener();
    try (Retriever retriever =
        s3.retriever().chunkSize(CHUNK).chunkPlanner(planner).addListener(recorder).build()) {
      DownloadSummary rerun = retriever.toDirectory(request, dir, KEEP).await();
      assertThat(rerun.bytesResumed()).isEqualTo(layout.offset(3));
      assertThat(rerun.bytesFetched()).isEqualTo(o.size() - layout.offset(3));
      assertThat(rerun.unverified()).isEmpty();
    }
    assertThat(recorder.events(ChunksPlanned.class).get(0).resumedChunks()).isEqualTo(3);
    assertThat(requested(recorder).get("r.bin"))
        .isEqualTo(ranges(layout).subList(3, layout.count()));
    assertThat(TestData.sha256(dir.resolve("r.bin"))).isEqualTo(o.sha256());
    assertThat(TestFiles.temporaryFiles(dir)).isEmpty();
  }

  @Test
  void cancelledDownload_rerunWithAnotherPlanner_startsOver(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("replanned");
    TestObject o = s3.putRandom("replanned", "r.bin", 9L * CHUNK + 3);
    DownloadRequest request = DownloadRequest.prefix("replanned", "");
    cancelAfterThreeChunks(s3, dir, request, new Unequal());
    assertThat(TestFiles.journalChunks(TestFiles.journal(dir, "r.bin"))).isEqualTo(3);

    // Chunk 1 of the uniform layout is not chunk 1 of the journal's: nothing may be taken over.
    try (Retriever retriever = s3.retriever().chunkSize(CHUNK).build()) {
      DownloadSummary rerun = retriever.toDirectory(request, dir, KEEP).await();
      assertThat(rerun.bytesResumed()).isZero();
      assertThat(rerun.bytesFetched()).isEqualTo(o.size());
    }
    assertThat(TestData.sha256(dir.resolve("r.bin"))).isEqualTo(o.sha256());
    assertThat(TestFiles.temporaryFiles(dir)).isEmpty();
  }

  @Test
  void plannerWithABadLayout_failsThatObjectAlone_namingThePlanner(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("bad");
    TestObject good = s3.putRandom("bad", "good.bin", 3L * CHUNK + 1);
    s3.putRandom("bad", "bad.bin", 3L * CHUNK + 1);
    try (Retriever retriever =
        s3.retriever().chunkSize(CHUNK).chunkPlanner(new TooLong()).build()) {
      FileDownload download = retriever.toDirectory(DownloadRequest.prefix("bad", ""), dir);
      assertThatThrownBy(download::await)
          .isInstanceOfSatisfying(
              IncompleteDownloadException.class,
              e -> {
                assertThat(e.failures())
                    .singleElement()
                    .extracting(f -> f.object().key())
                    .isEqualTo("bad.bin");
                ObjectFailed failed = e.failures().get(0);
                assertThat(failed.error())
                    .isInstanceOfSatisfying(
                        HookException.class,
                        h -> {
                          assertThat(h.hook()).isEqualTo(TooLong.class.getName());
                          assertThat(h.hookPoint()).isEqualTo("plan");
                        })
                    .hasMessageContaining("s3://bad/bad.bin")
                    .hasMessageContaining("longer than the chunk size");
              });
    }
    assertThat(TestData.sha256(dir.resolve("good.bin"))).isEqualTo(good.sha256());
    assertThat(dir.resolve("bad.bin")).doesNotExist();
    assertThat(TestFiles.temporaryFiles(dir)).isEmpty();
  }

  @Test
  void edgeSizes_halvesPlanner_everyRangeAsPlannedAndEveryByte(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("edges");
    Map<String, TestObject> objects = new TreeMap<>();
    for (long size : new long[] {0, 1, CHUNK, CHUNK + 1}) {
      TestObject o = s3.putRandom("edges", "size-" + size + ".bin", size);
      objects.put(o.key(), o);
    }
    Halves planner = new Halves();
    RecordingListener recorder = new RecordingListener();
    try (Retriever retriever =
        s3.retriever().chunkSize(CHUNK).chunkPlanner(planner).addListener(recorder).build()) {
      DownloadSummary files =
          retriever.toDirectory(DownloadRequest.prefix("edges", ""), dir).await();
      // An empty object has no bytes to check.
      assertThat(files.unverified()).allMatch(uri -> uri.endsWith("/size-0.bin"));
      for (TestObject o : objects.values()) {
        Path file = dir.resolve(o.key());
        assertThat(Files.size(file)).isEqualTo(o.size());
        assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
        List<String> ranges = ranges(planned(planner, o));
        assertThat(requested(recorder).getOrDefault(o.key(), List.of())).isEqualTo(ranges);
      }
      assertThat(requested(recorder).get("size-" + CHUNK + ".bin"))
          .containsExactly("0+" + CHUNK / 2, CHUNK / 2 + "+" + CHUNK / 2);
      assertThat(requested(recorder).get("size-1.bin")).containsExactly("0+1");

      try (ObjectDownload stream = retriever.objects(DownloadRequest.prefix("edges", ""))) {
        for (ObjectDownload.Item item : stream) {
          try (InputStream in = item.stream()) {
            assertThat(TestData.sha256(in)).isEqualTo(objects.get(item.object().key()).sha256());
          }
        }
        assertThat(stream.await().objects()).isEqualTo(objects.size());
      }
    }
    assertThat(recorder.events(ObjectStarted.class))
        .as("files, then streams")
        .hasSize(2 * objects.size());
  }

  @Test
  void fingerprint_ofALayoutCutLikeUniform_isItsChunkSize_andOthersDiffer() {
    long size = 5L * CHUNK + 3;
    ChunkLayout uniform = ChunkLayout.uniform(size, CHUNK);
    ChunkLayout same =
        ChunkLayout.of(size, 0, CHUNK, 2L * CHUNK, 3L * CHUNK, 4L * CHUNK, 5L * CHUNK);
    ChunkLayout other = ChunkLayout.of(size, 0, CHUNK, 2L * CHUNK, 3L * CHUNK, 4L * CHUNK + 1);
    ChunkLayout another = ChunkLayout.of(size, 0, CHUNK - 1, 2L * CHUNK, 3L * CHUNK, 4L * CHUNK);

    assertThat(uniform.fingerprint()).isEqualTo(String.valueOf(CHUNK));
    assertThat(same.fingerprint()).isEqualTo(String.valueOf(CHUNK));
    assertThat(same).isEqualTo(uniform);
    assertThat(other.fingerprint()).isNotEqualTo(uniform.fingerprint());
    assertThat(another.fingerprint()).isNotEqualTo(other.fingerprint());
    assertThat(ranges(other))
        .containsExactly(
            "0+" + CHUNK,
            CHUNK + "+" + CHUNK,
            2 * CHUNK + "+" + CHUNK,
            3 * CHUNK + "+" + (CHUNK + 1),
            (4 * CHUNK + 1) + "+" + (CHUNK + 2));
  }

  @Test
  void of_startsThatDoNotRiseWithinTheSize_isRefusedSayingWhy() {
    assertThatThrownBy(() -> ChunkLayout.of(10, 0, 5, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chunk 1 starts at 5");
    assertThatThrownBy(() -> ChunkLayout.of(10, 0, 10)).hasMessageContaining("below the size");
    assertThatThrownBy(() -> ChunkLayout.of(10, 1)).hasMessageContaining("start at 0");
    assertThatThrownBy(() -> ChunkLayout.of(10)).hasMessageContaining("no chunks");
    assertThat(ChunkLayout.of(0).count()).isZero();
    assertThat(ChunkLayout.uniform(0, CHUNK).count()).isZero();
    assertThat(ChunkLayout.uniform(1L << 40, CHUNK).count()).isEqualTo((int) ((1L << 40) / CHUNK));
  }
}
