package io.retriever;

import static io.retriever.Fixtures.MiB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iterating a download into files: each file is handed over once, complete and checked, while later
 * ones still download; a failed object is never handed over; a download nobody iterates any more
 * still ends.
 */
@ExtendWith(LocalS3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IterateFilesTest {
  private static final int CHUNK = MiB;
  private static final String BUCKET = "iterate";

  /** More small objects than the queue of finished files holds, so that it fills. */
  private static final int SMALL = FileDownload.FINISHED_QUEUE + 144;

  private static final String BAD = "data/small-0007.bin";

  private final Map<String, TestObject> objects = new HashMap<>();
  private LocalS3 s3;
  private Retriever retriever;

  @BeforeAll
  void fill(LocalS3 s3) {
    this.s3 = s3;
    s3.createBucket(BUCKET);
    for (int i = 0; i < SMALL; i++) {
      put(s3, String.format("data/small-%04d.bin", i), 1 + (i * 7919) % 4096);
    }
    put(s3, "data/large-1.bin", 3 * CHUNK + 17);
    put(s3, "data/large-2.bin", 5 * CHUNK);
    put(s3, "data/large-3.bin", 2 * CHUNK - 1);
    retriever = Fixtures.retriever(s3).chunkSize(CHUNK).concurrency(8).build();
  }

  private void put(LocalS3 s3, String key, int size) {
    TestObject o = s3.putRandom(BUCKET, key, size);
    objects.put(o.key(), o);
  }

  @AfterAll
  void close() {
    retriever.close();
  }

  private static DownloadRequest all() {
    return DownloadRequest.prefix(BUCKET, "data/");
  }

  private static FileOptions iterated() {
    return FileOptions.defaults().withIterate(true);
  }

  /** Checks a yielded file's bytes as they are when it is yielded; returns its key. */
  private String check(DownloadedFile file) throws IOException {
    TestObject expected = objects.get(file.object().key());
    assertThat(expected).as(file.object().key()).isNotNull();
    assertThat(file.path()).hasSize(expected.size());
    assertThat(TestData.sha256(file.path()))
        .as(file.path().toString())
        .isEqualTo(expected.sha256());
    return expected.key();
  }

  @Test
  void iterator_smallAndMultiChunkObjects_yieldsEveryFileCompleteOnce(@TempDir Path dir)
      throws IOException {
    Map<String, Integer> seen = new HashMap<>();
    try (Retriever hooked =
            Fixtures.retriever(s3)
                .chunkSize(CHUNK)
                .concurrency(8)
                .postDownloadThreads(4)
                .addPostDownloadHook(o -> {})
                .build();
        FileDownload download = hooked.toDirectory(all(), dir, iterated())) {
      for (DownloadedFile file : download) {
        seen.merge(check(file), 1, Integer::sum);
      }
      DownloadSummary summary = download.await();
      assertThat(summary.objects()).isEqualTo(objects.size());
    }
    assertThat(seen).hasSize(objects.size()).allSatisfy((key, n) -> assertThat(n).isEqualTo(1));
  }

  @Test
  void iterator_abandonedEarly_awaitStillEndsTheDownload(@TempDir Path dir) throws IOException {
    try (FileDownload download = retriever.toDirectory(all(), dir, iterated())) {
      Iterator<DownloadedFile> files = download.iterator();
      for (int i = 0; i < 3; i++) {
        check(files.next());
      }
      DownloadSummary summary = download.await();
      assertThat(summary.objects()).isEqualTo(objects.size());
    }
    for (TestObject o : objects.values()) {
      Path file = dir.resolve(o.key().substring("data/".length()));
      assertThat(file).hasSize(o.size());
      assertThat(TestData.sha256(file)).isEqualTo(o.sha256());
    }
  }

  @Test
  void iterator_abandonedEarly_closeCancelsWithoutHanging(@TempDir Path dir) throws IOException {
    FileDownload download = retriever.toDirectory(all(), dir, iterated());
    Iterator<DownloadedFile> files = download.iterator();
    check(files.next());
    // Nobody takes the other files, so the download waits on its full queue until closed.
    download.close();
    assertThatThrownBy(download::await).isInstanceOf(RetrieverException.class);
  }

  @Test
  void iterator_objectFailedByHook_neverYieldedAndEndThrowsIncomplete(@TempDir Path dir)
      throws IOException {
    Map<String, Integer> seen = new HashMap<>();
    try (Retriever failing =
            Fixtures.retriever(s3)
                .chunkSize(CHUNK)
                .concurrency(8)
                .postDownloadThreads(3)
                .addPostDownloadHook(
                    o -> {
                      if (o.object().key().equals(BAD)) {
                        throw new IOException("rejected by the test");
                      }
                    })
                .build();
        FileDownload download = failing.toDirectory(all(), dir, iterated())) {
      Iterator<DownloadedFile> files = download.iterator();
      assertThatThrownBy(
              () -> {
                while (files.hasNext()) {
                  seen.merge(check(files.next()), 1, Integer::sum);
                }
              })
          .isInstanceOf(IncompleteDownloadException.class);
    }
    assertThat(seen).hasSize(objects.size() - 1).doesNotContainKey(BAD);
    assertThat(dir.resolve(BAD.substring("data/".length()))).doesNotExist();
  }

  @Test
  void iterator_withoutIterateOption_throwsIllegalState(@TempDir Path dir) {
    try (FileDownload download = retriever.toDirectory(all(), dir)) {
      assertThatThrownBy(download::iterator)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("withIterate(true)");
      download.await();
    }
  }

  @Test
  void files_iteratedDownload_throwsIllegalStateAndIteratorOnlyOnce(@TempDir Path dir)
      throws IOException {
    try (FileDownload download = retriever.toDirectory(all(), dir, iterated())) {
      assertThatThrownBy(download::files).isInstanceOf(IllegalStateException.class);
      Iterator<DownloadedFile> files = download.iterator();
      assertThatThrownBy(download::iterator).isInstanceOf(IllegalStateException.class);
      int n = 0;
      while (files.hasNext()) {
        check(files.next());
        n++;
      }
      assertThat(n).isEqualTo(objects.size());
    }
    try (Stream<Path> written = Files.list(dir)) {
      assertThat(written.count()).isEqualTo(objects.size());
    }
  }
}
