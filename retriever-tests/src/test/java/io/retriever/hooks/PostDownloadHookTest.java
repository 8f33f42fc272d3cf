package io.retriever.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.DownloadRequest;
import io.retriever.IncompleteDownloadException;
import io.retriever.Retriever;
import io.retriever.event.ObjectCompleted;
import io.retriever.hook.DownloadedObject;
import io.retriever.hook.PostDownloadHook;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.RecordingListener;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Post-download hooks: after the file is in place, on their own bounded pool, failing alone. */
@ExtendWith(LocalS3Extension.class)
class PostDownloadHookTest {
  @Test
  void hooksSeeCompleteFiles_onTheirPool_beforeObjectCompleted(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    Map<String, TestObject> objects = HookFixtures.fill(s3, "post");
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<String> seen = new CopyOnWriteArrayList<>();
    AtomicInteger active = new AtomicInteger();
    AtomicInteger overlap = new AtomicInteger();
    CountDownLatch together = new CountDownLatch(2);
    PostDownloadHook verify =
        done -> {
          threads.add(Thread.currentThread().getName());
          overlap.accumulateAndGet(active.incrementAndGet(), Math::max);
          try {
            assertThat(done.file()).exists();
            assertThat(TestData.sha256(done.file()))
                .isEqualTo(objects.get(done.object().key()).sha256());
            seen.add(done.object().key());
            // Holds the first two calls until both run, so that they overlap.
            together.countDown();
            assertThat(together.await(30, TimeUnit.SECONDS)).as("two calls at once").isTrue();
          } finally {
            active.decrementAndGet();
          }
        };
    RecordingListener recorder = new RecordingListener();
    try (Retriever retriever =
        HookFixtures.retriever(s3)
            .addPostDownloadHook(verify)
            .postDownloadThreads(3)
            .addListener(recorder)
            .build()) {
      retriever.toDirectory(DownloadRequest.prefix("post", "dir/"), dir).await();
    }
    recorder.assertConsistent();
    assertThat(seen).containsExactlyInAnyOrderElementsOf(objects.keySet());
    assertThat(threads).allMatch(t -> t.startsWith("retriever-finisher-"));
    assertThat(overlap.get()).isBetween(2, 3);
    assertThat(recorder.events())
        .filteredOn(r -> r.point().equals("objectCompleted"))
        .allSatisfy(r -> assertThat(r.thread()).startsWith("retriever-finisher-"));
    assertThat(recorder.events(ObjectCompleted.class)).hasSize(objects.size());
  }

  @Test
  void aThrowingHook_failsItsObject_andRemovesItsFile(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    Map<String, TestObject> objects = HookFixtures.fill(s3, "postfail");
    PostDownloadHook reject =
        (DownloadedObject done) -> {
          if (done.object().key().endsWith("bad.bin")) {
            throw new java.io.IOException("checksum mismatch");
          }
        };
    RecordingListener recorder = new RecordingListener();
    try (Retriever retriever =
        HookFixtures.retriever(s3).addPostDownloadHook(reject).addListener(recorder).build()) {
      assertThatThrownBy(
              () -> retriever.toDirectory(DownloadRequest.prefix("postfail", "dir/"), dir).await())
          .isInstanceOfSatisfying(
              IncompleteDownloadException.class,
              e ->
                  assertThat(e.failures().get(0).error())
                      .hasMessageContaining("afterDownload")
                      .hasMessageContaining("checksum mismatch")
                      .hasMessageContaining(reject.getClass().getName()));
    }
    recorder.assertConsistent();
    assertThat(dir.resolve("bad.bin")).doesNotExist();
    objects.remove("dir/bad.bin");
    HookFixtures.assertFiles(dir, objects);
    assertThat(Files.exists(dir.resolve("size-1.bin"))).isTrue();
  }
}
