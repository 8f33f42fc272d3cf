package io.retriever.hooks;

import static io.retriever.hooks.HookFixtures.CHUNK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.DownloadListener;
import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.HookException;
import io.retriever.HookFailure;
import io.retriever.IncompleteDownloadException;
import io.retriever.ObjectInfo;
import io.retriever.ProgressSnapshot;
import io.retriever.Retriever;
import io.retriever.event.ChunkCompleted;
import io.retriever.event.ChunkRequested;
import io.retriever.event.ChunksPlanned;
import io.retriever.event.DownloadFailed;
import io.retriever.event.DownloadStarted;
import io.retriever.event.ObjectCompleted;
import io.retriever.event.ObjectFailed;
import io.retriever.event.ObjectListed;
import io.retriever.event.ObjectStarted;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.RecordingListener;
import io.retriever.testkit.TestObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every listener hook point: order, thread, overlap, and what a throwing listener fails. */
@ExtendWith(LocalS3Extension.class)
class ListenerTest {
  @Test
  void events_comeInOrderOnTheirThreads(LocalS3 s3, @TempDir Path dir) throws Exception {
    Map<String, TestObject> objects = HookFixtures.fill(s3, "order");
    RecordingListener recorder = new RecordingListener();
    try (Retriever retriever = HookFixtures.retriever(s3).addListener(recorder).build()) {
      DownloadSummary summary =
          retriever.toDirectory(DownloadRequest.prefix("order", "dir/"), dir).await();
      assertThat(summary.objects()).isEqualTo(objects.size());
    }
    HookFixtures.assertFiles(dir, objects);
    recorder.assertConsistent();
    assertThat(recorder.events().get(0).thread()).isEqualTo(Thread.currentThread().getName());
    assertThat(recorder.events(DownloadStarted.class)).hasSize(1);
    assertThat(recorder.events(ObjectListed.class))
        .extracting(e -> e.object().key())
        .containsExactlyElementsOf(objects.keySet().stream().sorted().toList());
    assertThat(recorder.events(ObjectListed.class))
        .extracting(ObjectListed::index)
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(recorder.events(ObjectCompleted.class)).hasSize(objects.size());
    List<ChunksPlanned> planned = recorder.events(ChunksPlanned.class);
    assertThat(planned)
        .filteredOn(p -> p.object().key().endsWith("size-" + (5 * CHUNK + 7) + ".bin"))
        .singleElement()
        .satisfies(p -> assertThat(p.chunks()).isEqualTo(6));
    assertThat(planned)
        .filteredOn(p -> p.object().size() == 0)
        .singleElement()
        .satisfies(p -> assertThat(p.chunks()).isZero());
    // 0 + 1 + 1 + 2 + 6 + 3 chunks, each requested once and completed once.
    assertThat(recorder.events(ChunkRequested.class)).hasSize(13);
    assertThat(recorder.events(ChunkCompleted.class))
        .hasSize(13)
        .allSatisfy(c -> assertThat(c.attempts()).isEqualTo(1));
    assertThat(recorder.points()).contains("progress").last().isEqualTo("downloadCompleted");
    List<String> points = recorder.points();
    assertThat(points.lastIndexOf("progress")).isLessThan(points.indexOf("downloadCompleted"));
  }

  @Test
  void serialPointsNeverOverlap_parallelOnesDo(LocalS3 s3) {
    s3.createBucket("overlap");
    s3.putMany("overlap", 40, 3 * CHUNK, i -> "k" + i);
    RecordingListener recorder = new RecordingListener(2);
    try (Retriever retriever = HookFixtures.retriever(s3).addListener(recorder).build()) {
      retriever.toMemory(DownloadRequest.prefix("overlap", "")).await();
    }
    recorder.assertConsistent();
    for (String serial : List.of("objectListed", "objectStarted", "chunksPlanned", "progress")) {
      assertThat(recorder.maxOverlap(serial)).as(serial).isEqualTo(1);
    }
    assertThat(recorder.maxOverlap("chunkRequested")).isGreaterThan(1);
    assertThat(recorder.maxOverlap("chunkCompleted")).isGreaterThan(1);
  }

  /** A listener that throws at one point, for the object named "dir/bad.bin" only. */
  private static DownloadListener throwingAt(String point) {
    Consumer<ObjectInfo> maybeThrow =
        o -> {
          if (o.key().equals("dir/bad.bin")) {
            throw new IllegalStateException("refused " + o.key());
          }
        };
    return new DownloadListener() {
      @Override
      public void objectListed(ObjectListed e) {
        if (point.equals("objectListed")) {
          maybeThrow.accept(e.object());
        }
      }

      @Override
      public void objectStarted(ObjectStarted e) {
        if (point.equals("objectStarted")) {
          maybeThrow.accept(e.object());
        }
      }

      @Override
      public void chunksPlanned(ChunksPlanned e) {
        if (point.equals("chunksPlanned")) {
          maybeThrow.accept(e.object());
        }
      }

      @Override
      public void chunkRequested(ChunkRequested e) {
        if (point.equals("chunkRequested") && e.task().index() == 1) {
          maybeThrow.accept(e.task().object());
        }
      }

      @Override
      public void chunkCompleted(ChunkCompleted e) {
        if (point.equals("chunkCompleted") && e.task().index() == 2) {
          maybeThrow.accept(e.task().object());
        }
      }

      @Override
      public void objectCompleted(ObjectCompleted e) {
        if (point.equals("objectCompleted")) {
          maybeThrow.accept(e.object());
        }
      }
    };
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "objectListed",
        "objectStarted",
        "chunksPlanned",
        "chunkRequested",
        "chunkCompleted",
        "objectCompleted"
      })
  void throwingForOneObject_failsThatObjectOnly(String point, LocalS3 s3, @TempDir Path dir)
      throws Exception {
    Map<String, TestObject> objects = HookFixtures.fill(s3, "fail-" + point.toLowerCase());
    String bucket = "fail-" + point.toLowerCase();
    DownloadListener thrower = throwingAt(point);
    RecordingListener recorder = new RecordingListener();
    try (Retriever retriever =
        HookFixtures.retriever(s3).addListener(thrower).addListener(recorder).build()) {
      assertThatThrownBy(
              () -> retriever.toDirectory(DownloadRequest.prefix(bucket, "dir/"), dir).await())
          .isInstanceOfSatisfying(
              IncompleteDownloadException.class,
              e -> {
                assertThat(e.failures())
                    .singleElement()
                    .satisfies(
                        f -> {
                          assertThat(f.object().key()).isEqualTo("dir/bad.bin");
                          assertThat(f.error()).isInstanceOf(HookException.class);
                          HookException h = (HookException) f.error();
                          assertThat(h.hook()).isEqualTo(thrower.getClass().getName());
                          assertThat(h.hookPoint()).isEqualTo(point);
                        });
                assertThat(e.getMessage())
                    .contains("1 of 6 objects failed", point, "s3://" + bucket + "/dir/bad.bin");
                assertThat(e.summary().objects()).isEqualTo(5);
              });
    }
    objects.remove("dir/bad.bin");
    HookFixtures.assertFiles(dir, objects);
    recorder.assertConsistent();
    assertThat(recorder.events(ObjectFailed.class)).hasSize(1);
    assertThat(recorder.events(DownloadFailed.class))
        .singleElement()
        .satisfies(f -> assertThat(f.error()).isInstanceOf(IncompleteDownloadException.class));
  }

  @Test
  void failDownloadPolicy_stopsAtTheFirstThrow(LocalS3 s3, @TempDir Path dir) throws Exception {
    HookFixtures.fill(s3, "policy");
    RecordingListener recorder = new RecordingListener();
    try (Retriever retriever =
        HookFixtures.retriever(s3)
            .addListener(throwingAt("chunkCompleted"))
            .addListener(recorder)
            .onHookFailure(HookFailure.FAIL_DOWNLOAD)
            .build()) {
      assertThatThrownBy(
              () -> retriever.toDirectory(DownloadRequest.prefix("policy", "dir/"), dir).await())
          .isInstanceOf(HookException.class)
          .hasMessageContaining("chunkCompleted");
    }
    recorder.assertConsistent();
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(p -> p.getFileName().toString().endsWith(".retriever-part")))
          .as("no temporary file left")
          .isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"downloadStarted", "progress", "downloadCompleted"})
  void throwingInADownloadWidePoint_failsTheDownload(String point, LocalS3 s3) {
    s3.createBucket("wide-" + point.toLowerCase());
    s3.putRandom("wide-" + point.toLowerCase(), "k", 10);
    DownloadListener thrower =
        new DownloadListener() {
          @Override
          public void downloadStarted(DownloadStarted e) {
            fail("downloadStarted");
          }

          @Override
          public void progress(ProgressSnapshot s) {
            fail("progress");
          }

          @Override
          public void downloadCompleted(DownloadSummary s) {
            fail("downloadCompleted");
          }

          private void fail(String here) {
            if (here.equals(point)) {
              throw new IllegalStateException("boom");
            }
          }
        };
    RecordingListener recorder = new RecordingListener();
    try (Retriever retriever =
        HookFixtures.retriever(s3).addListener(recorder).addListener(thrower).build()) {
      assertThatThrownBy(
              () ->
                  retriever
                      .toMemory(DownloadRequest.prefix("wide-" + point.toLowerCase(), ""))
                      .await())
          .isInstanceOfSatisfying(
              HookException.class, e -> assertThat(e.hookPoint()).isEqualTo(point))
          .hasMessageContaining("boom");
    }
    assertThat(recorder.points()).last().isEqualTo("downloadFailed");
  }
}
