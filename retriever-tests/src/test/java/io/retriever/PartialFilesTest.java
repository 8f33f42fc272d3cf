package io.retriever;

import static io.retriever.Fixtures.MiB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.RetrieverException.Reason;
import io.retriever.event.ObjectStarted;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporary files: one writer each, created only for objects requested, kept on request when a
 * download is cancelled.
 */
@ExtendWith(LocalS3Extension.class)
class PartialFilesTest {
  @Test
  void twoRetrievers_intoOneDirectoryAtOnce_everyFileExactAndNoTemporaryFileLeft(
      LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("shared");
    List<TestObject> objects =
        new ArrayList<>(s3.putMany("shared", 300, 20_000, i -> String.format("d/s-%03d", i)));
    for (int i = 0; i < 3; i++) {
      objects.add(s3.putRandom("shared", "d/m-" + i, 3L * MiB + 12_345));
    }
    DownloadRequest request = DownloadRequest.prefix("shared", "d/");
    try (Retriever first = Fixtures.retriever(s3).chunkSize(MiB).concurrency(8).build();
        Retriever second = Fixtures.retriever(s3).chunkSize(MiB).concurrency(8).build()) {
      FileDownload a = first.toDirectory(request, dir);
      FileDownload b = second.toDirectory(request, dir);
      DownloadSummary doneA = a.await();
      DownloadSummary doneB = b.await();
      assertThat(doneA.objects() + doneA.objectsSkipped()).isEqualTo(objects.size());
      assertThat(doneB.objects() + doneB.objectsSkipped()).isEqualTo(objects.size());
    }
    for (TestObject o : objects) {
      assertThat(TestData.sha256(dir.resolve(o.key().substring(2))))
          .as(o.key())
          .isEqualTo(o.sha256());
    }
    assertThat(TestFiles.temporaryFiles(dir)).isEmpty();

    try (Retriever again = Fixtures.retriever(s3).chunkSize(MiB).build()) {
      DownloadSummary rerun = again.toDirectory(request, dir).await();
      assertThat(rerun.objectsSkipped()).isEqualTo(objects.size());
      assertThat(rerun.bytesFetched()).isZero();
    }
  }

  @Test
  void objectStarted_beforeItsFirstRequest_hasNoTemporaryFile(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("lazy");
    List<TestObject> objects = s3.putMany("lazy", 20, 50_000, i -> String.format("d/o-%02d", i));
    objects = new ArrayList<>(objects);
    objects.add(s3.putRandom("lazy", "d/z-big", 3L * MiB));
    Map<String, Integer> tempsAtStart = new ConcurrentHashMap<>();
    DownloadListener probe =
        new DownloadListener() {
          @Override
          public void objectStarted(ObjectStarted event) {
            String name = event.target().getFileName().toString();
            tempsAtStart.put(name, filesStartingWith(dir, "." + name + "."));
          }
        };
    try (Retriever retriever =
        Fixtures.retriever(s3).chunkSize(MiB).concurrency(2).addListener(probe).build()) {
      retriever.toDirectory(DownloadRequest.prefix("lazy", "d/"), dir).await();
    }
    assertThat(tempsAtStart).hasSize(objects.size());
    assertThat(tempsAtStart.values()).containsOnly(0);
    for (TestObject o : objects) {
      assertThat(TestData.sha256(dir.resolve(o.key().substring(2)))).isEqualTo(o.sha256());
    }
    assertThat(TestFiles.temporaryFiles(dir)).isEmpty();
  }

  @Test
  void cancel_withKeepPartial_keepsTemporaryFileAndJournal_andARerunFetchesTheRest(
      LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("keep");
    TestObject big = s3.putRandom("keep", "d/big.bin", 16L * MiB);
    DownloadRequest request = DownloadRequest.prefix("keep", "d/");
    FileOptions keep = FileOptions.defaults().withKeepPartial(true);
    int kept;
    s3.streamBytesPerSecond(2L * MiB);
    try (Retriever retriever = Fixtures.retriever(s3).chunkSize(MiB).concurrency(2).build()) {
      FileDownload download = retriever.toDirectory(request, dir, keep);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (TestFiles.journalChunks(TestFiles.journal(dir, "big.bin")) < 4) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(20);
      }
      download.cancel();
      assertThatThrownBy(download::await)
          .isInstanceOf(RetrieverException.class)
          .extracting(e -> ((RetrieverException) e).reason())
          .isEqualTo(Reason.CANCELLED);
      download.close();
      assertThat(TestFiles.partFiles(dir, "big.bin")).hasSize(1);
      kept = TestFiles.journalChunks(TestFiles.journal(dir, "big.bin"));
      assertThat(kept).isGreaterThanOrEqualTo(4);
    } finally {
      s3.streamBytesPerSecond(0);
    }

    long before = s3.bytesServedWhenQuiet();
    try (Retriever retriever = Fixtures.retriever(s3).chunkSize(MiB).build()) {
      DownloadSummary rerun = retriever.toDirectory(request, dir, keep).await();
      assertThat(rerun.bytesResumed()).isGreaterThanOrEqualTo((long) kept * MiB);
    }
    assertThat(s3.bytesServed() - before).isLessThanOrEqualTo(big.size() - (long) kept * MiB);
    assertThat(TestData.sha256(dir.resolve("big.bin"))).isEqualTo(big.sha256());
    assertThat(TestFiles.temporaryFiles(dir)).isEmpty();
  }

  private static int filesStartingWith(Path dir, String prefix) {
    try (Stream<Path> files = Files.list(dir)) {
      return (int) files.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
