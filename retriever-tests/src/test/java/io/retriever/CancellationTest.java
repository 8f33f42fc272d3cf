package io.retriever;

import static io.retriever.Fixtures.MiB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.RetrieverException.Reason;
import io.retriever.testkit.LocalS3;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancelling or closing mid-download stops every thread and leaves no temporary file. */
class CancellationTest {
  private static LocalS3 s3;

  @BeforeAll
  static void start() {
    // Slow enough that a download is surely still running when it is cancelled.
    s3 =
        LocalS3.builder()
            .firstByteLatency(Duration.ofMillis(5))
            .streamBytesPerSecond(2L * MiB)
            .start();
    s3.createBucket("cancel");
    s3.putRandom("cancel", "big/a.bin", 64 * MiB);
    s3.putRandom("cancel", "big/b.bin", 64 * MiB);
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
  }

  @Test
  void cancel_fileDownloadMidway_noThreadNoTempFile(@TempDir Path dir) throws Exception {
    try (Retriever retriever = Fixtures.retriever(s3).chunkSize(MiB).concurrency(8).build()) {
      FileDownload download = retriever.toDirectory(DownloadRequest.prefix("cancel", "big/"), dir);
      waitForBytes(download);
      assertThat(tempFiles(dir)).isNotEmpty();
      download.cancel();
      assertThatThrownBy(download::await)
          .isInstanceOf(RetrieverException.class)
          .extracting(e -> ((RetrieverException) e).reason())
          .isEqualTo(Reason.CANCELLED);
      download.close();
      assertThat(Fixtures.downloadThreads()).isEmpty();
      assertThat(tempFiles(dir)).isEmpty();
      assertThat(dir.resolve("a.bin")).doesNotExist();
    }
    assertThat(Fixtures.pipelineThreads()).isEmpty();
  }

  @Test
  void close_streamMidway_stopsPromptly() throws Exception {
    try (Retriever retriever = Fixtures.retriever(s3).chunkSize(MiB).concurrency(8).build()) {
      long started = System.nanoTime();
      try (ObjectDownload download = retriever.objects(DownloadRequest.prefix("cancel", "big/"))) {
        ObjectDownload.Item first = download.iterator().next();
        InputStream in = first.stream();
        assertThat(in.readNBytes(MiB)).hasSize(MiB);
      }
      assertThat(Fixtures.downloadThreads()).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }
    assertThat(Fixtures.pipelineThreads()).isEmpty();
  }

  private static void waitForBytes(Download download) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (download.progress().bytesDone() < 4L * MiB) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static java.util.List<Path> tempFiles(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".retriever-part")).toList();
    }
  }
}
