package io.retriever.internal.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.DownloadedFile;
import io.retriever.ObjectInfo;
import io.retriever.event.ObjectCompleted;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The queue between the threads that finish files and an iteration, on one thread. */
class FinishedFilesTest {
  private static DownloadedFile file(String key) {
    return new DownloadedFile(
        new ObjectInfo("b", key, 1, "\"e\"", Instant.EPOCH), Path.of("/d", key), null);
  }

  private static ObjectCompleted completedEvent(DownloadedFile f) {
    return new ObjectCompleted(f.object(), f.path(), 1, Duration.ZERO);
  }

  @Test
  void objectCompleted_revokedFile_isNeverQueued() throws InterruptedException {
    FinishedFiles finished = new FinishedFiles(4);
    DownloadedFile a = file("a");
    finished.completed(a);
    finished.revoked(a.path());
    finished.objectCompleted(completedEvent(a));
    finished.downloadCompleted(null);
    assertThat(finished.take()).isNull();
  }

  @Test
  void take_afterEnd_returnsQueuedFilesThenNull() throws InterruptedException {
    FinishedFiles finished = new FinishedFiles(4);
    DownloadedFile a = file("a");
    DownloadedFile b = file("b");
    finished.completed(a);
    finished.completed(b);
    finished.objectCompleted(completedEvent(b));
    finished.objectCompleted(completedEvent(a));
    finished.downloadFailed(null);
    assertThat(finished.take()).isEqualTo(b);
    assertThat(finished.take()).isEqualTo(a);
    assertThat(finished.take()).isNull();
    assertThat(finished.dropped()).isZero();
  }

  @Test
  void objectCompleted_fullAfterRelease_dropsAndCountsInsteadOfWaiting()
      throws InterruptedException {
    FinishedFiles finished = new FinishedFiles(1);
    DownloadedFile a = file("a");
    DownloadedFile b = file("b");
    finished.completed(a);
    finished.completed(b);
    finished.release();
    finished.objectCompleted(completedEvent(a));
    finished.objectCompleted(completedEvent(b)); // Would wait forever if it were not released.
    finished.downloadCompleted(null);
    assertThat(finished.take()).isEqualTo(a);
    assertThat(finished.take()).isNull();
    assertThat(finished.dropped()).isEqualTo(1);
  }
}
