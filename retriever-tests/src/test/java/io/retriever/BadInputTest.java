package io.retriever;

import static io.retriever.Fixtures.MiB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.RetrieverException.Reason;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestObject;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input fails with one clear line and leaves nothing half written. */
@ExtendWith(LocalS3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  private static final String BUCKET = "bad";
  private LocalS3 s3;
  private Retriever retriever;
  private TestObject small;

  @BeforeAll
  void fill(LocalS3 s3) {
    this.s3 = s3;
    s3.createBucket(BUCKET);
    small = s3.putRandom(BUCKET, "data/small.bin", 1000);
    retriever = Fixtures.retriever(s3).build();
  }

  @AfterAll
  void close() {
    retriever.close();
  }

  private static void assertFails(ThrowingCallable call, Reason reason, String... phrases) {
    assertThatThrownBy(call)
        .isInstanceOf(RetrieverException.class)
        .satisfies(
            e -> {
              assertThat(((RetrieverException) e).reason()).isEqualTo(reason);
              assertThat(e.getMessage()).doesNotContain("\n").contains(phrases);
            });
  }

  @Test
  void parse_malformedUri_saysExpectedForm() {
    for (String bad :
        new String[] {"http://b/k", "s3://", "s3:///key", "b/k", "s3://bad bucket/k"}) {
      assertFails(() -> S3Uri.parse(bad), Reason.INVALID, "s3://bucket/key-or-prefix");
    }
    assertThat(S3Uri.parse("s3://b-1/a/b/")).isEqualTo(new S3Uri("b-1", "a/b/"));
    assertThat(S3Uri.parse("s3://b-1").isPrefix()).isTrue();
  }

  @Test
  void download_missingBucket_namesBucket(@TempDir Path dir) {
    assertFails(
        () -> retriever.toDirectory(DownloadRequest.prefix("nope", "x/"), dir).await(),
        Reason.NO_SUCH_BUCKET,
        "bucket 'nope' does not exist");
    assertFails(
        () -> retriever.toDirectory(DownloadRequest.key("nope", "x"), dir).await(),
        Reason.NO_SUCH_BUCKET,
        "bucket 'nope' does not exist");
  }

  @Test
  void download_missingKey_namesKey(@TempDir Path dir) {
    assertFails(
        () -> retriever.toDirectory(DownloadRequest.key(BUCKET, "data/none"), dir).await(),
        Reason.NOT_FOUND,
        "s3://bad/data/none");
  }

  @Test
  void download_emptyPrefix_succeedsWithZeroObjects(@TempDir Path dir) {
    DownloadSummary summary =
        retriever.toDirectory(DownloadRequest.prefix(BUCKET, "nothing/"), dir).await();
    assertThat(summary.objects()).isZero();
  }

  @Test
  void download_wrongCredentials_saysAccessDenied(@TempDir Path dir) {
    try (Retriever wrong = Fixtures.retriever(s3).credentials("AKWRONG", "wrong").build()) {
      assertFails(
          () -> wrong.toDirectory(DownloadRequest.prefix(BUCKET, "data/"), dir).await(),
          Reason.ACCESS_DENIED,
          "access denied",
          "credentials");
    }
  }

  @Test
  void download_endpointNotAnswering_saysUnreachable(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (Retriever nowhere =
        Fixtures.retriever(s3).endpoint(URI.create("http://127.0.0.1:" + port)).build()) {
      assertFails(
          () -> nowhere.toDirectory(DownloadRequest.prefix(BUCKET, "data/"), dir).await(),
          Reason.UNREACHABLE,
          "cannot reach http://127.0.0.1:" + port);
    }
  }

  @Test
  void toDirectory_destinationIsAFile_refuses(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "keep");
    assertFails(
        () -> retriever.toDirectory(DownloadRequest.prefix(BUCKET, "data/"), file),
        Reason.INVALID,
        "is a file",
        "give a directory");
    assertThat(file).hasContent("keep");
  }

  @Test
  void toDirectory_destinationNotWritable_saysWhy(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "keep");
    assertFails(
        () -> retriever.toDirectory(DownloadRequest.prefix(BUCKET, "data/"), file.resolve("sub")),
        Reason.LOCAL_IO,
        "cannot create directory",
        "writable");
    assertFails(
        () ->
            retriever
                .toFile(
                    DownloadRequest.key(BUCKET, small.key()),
                    file.resolve("out.bin"),
                    FileOptions.defaults())
                .await(),
        Reason.LOCAL_IO,
        "writable");
  }

  @Test
  void toFile_existingFile_keptUnlessOverwrite(@TempDir Path dir) throws Exception {
    Path target = Files.writeString(dir.resolve("small.bin"), "precious");
    assertFails(
        () ->
            retriever
                .toFile(DownloadRequest.key(BUCKET, small.key()), target, FileOptions.defaults())
                .await(),
        Reason.INVALID,
        "already exists and is not a copy of s3://",
        "that Retriever wrote; to replace it, allow overwriting (FileOptions.withOverwrite(true))");
    assertThat(target).hasContent("precious");
    assertThat(ConsumptionModesTest.leftovers(dir)).isEmpty();

    retriever
        .toFile(
            DownloadRequest.key(BUCKET, small.key()),
            target,
            FileOptions.defaults().withOverwrite(true))
        .await();
    assertThat(target).hasSize(small.size());
  }

  @Test
  void builder_absurdSettings_refusedWithTheFix() {
    assertFails(() -> Retriever.builder().chunkSize(0), Reason.INVALID, "chunk size", "got 0");
    assertFails(() -> Retriever.builder().chunkSize(-5), Reason.INVALID, "chunk size");
    assertFails(() -> Retriever.builder().chunkSize(8L << 30), Reason.INVALID, "1 GiB");
    assertFails(() -> Retriever.builder().concurrency(0), Reason.INVALID, "concurrency");
    assertFails(() -> Retriever.builder().maxInFlightBytes(-1), Reason.INVALID, "memory budget");
    assertFails(
        () -> Retriever.builder().chunkSize(16 * MiB).maxInFlightBytes(8 * MiB).build(),
        Reason.INVALID,
        "at least one chunk");
  }

  @Test
  void download_objectChangesMidway_failsAndKeepsNothing(@TempDir Path dir) throws Exception {
    try (LocalS3 slow = LocalS3.builder().streamBytesPerSecond(4L * MiB).start();
        Retriever r = Fixtures.retriever(slow).chunkSize(MiB).concurrency(2).build()) {
      slow.createBucket("change");
      slow.putRandom("change", "moving.bin", 16 * MiB);
      FileDownload download = r.toDirectory(DownloadRequest.prefix("change", ""), dir);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (download.progress().bytesDone() < MiB / 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      slow.putRandom("change", "moving.bin", 16 * MiB + 1);
      assertFails(
          download::await,
          Reason.CHANGED,
          "s3://change/moving.bin",
          "changed while it was downloading");
      download.close();
    }
    assertThat(dir.resolve("moving.bin")).doesNotExist();
    assertThat(ConsumptionModesTest.leftovers(dir)).isEmpty();
  }
}
