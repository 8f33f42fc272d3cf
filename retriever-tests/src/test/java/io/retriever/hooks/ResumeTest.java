package io.retriever.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.Retriever;
import io.retriever.event.ObjectStarted;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.RecordingListener;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resume after a crash: a download in a child process is killed with SIGKILL about half-way, and a
 * rerun fetches only what is missing; when the object changed meanwhile, it starts over.
 */
@ExtendWith(LocalS3Extension.class)
class ResumeTest {
  static final int CHUNK = 1 << 20;
  private static final int BIG_CHUNKS = 48;
  private static final long CAP = 12L << 20;

  @Test
  void rerunAfterSigkill_fetchesOnlyTheMissingHalf(LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("resume");
    List<TestObject> small =
        s3.putMany("resume", 10, 100_000, i -> String.format("data/a-%02d", i));
    TestObject big = s3.putRandom("resume", "data/z-big.bin", (long) BIG_CHUNKS * CHUNK);

    int journaled = killHalfWay(s3, dir);
    assertThat(TestFiles.partFiles(dir, "z-big.bin")).hasSize(1);
    for (TestObject o : small) {
      assertThat(TestData.sha256(dir.resolve(o.key().substring(5)))).isEqualTo(o.sha256());
    }
    assertThat(dir.resolve("z-big.bin")).doesNotExist();

    RecordingListener recorder = new RecordingListener();
    DownloadSummary rerun;
    try (Retriever retriever =
        HookFixtures.retriever(s3).chunkSize(CHUNK).addListener(recorder).build()) {
      rerun = retriever.toDirectory(DownloadRequest.prefix("resume", "data/"), dir).await();
    }
    recorder.assertConsistent();
    ObjectStarted started = recorder.events(ObjectStarted.class).get(0);
    assertThat(started.object().key()).isEqualTo(big.key());
    assertThat(started.restarted()).isFalse();
    assertThat(started.resumedBytes()).isGreaterThanOrEqualTo((long) journaled * CHUNK);
    assertThat(rerun.objectsSkipped()).isEqualTo(10);
    assertThat(rerun.bytesResumed()).isEqualTo(started.resumedBytes());
    assertThat(rerun.bytesFetched()).isEqualTo(big.size() - started.resumedBytes());
    assertThat(TestData.sha256(dir.resolve("z-big.bin"))).isEqualTo(big.sha256());
    assertNoTemporaryFiles(dir);
    System.out.printf(
        Locale.ROOT,
        "resume after SIGKILL: object %d MiB, killed with %d chunks journaled; rerun fetched %.1f"
            + " MiB from S3 (%.0f%%), resumed %.1f MiB from disk, skipped %d complete objects%n",
        big.size() >> 20,
        journaled,
        rerun.bytesFetched() / 1048576.0,
        100.0 * rerun.bytesFetched() / big.size(),
        rerun.bytesResumed() / 1048576.0,
        rerun.objectsSkipped());

    // A rerun of the completed download fetches nothing.
    try (Retriever retriever = HookFixtures.retriever(s3).chunkSize(CHUNK).build()) {
      DownloadSummary again =
          retriever.toDirectory(DownloadRequest.prefix("resume", "data/"), dir).await();
      assertThat(again.bytesFetched()).isZero();
      assertThat(again.objectsSkipped()).isEqualTo(11);
      System.out.printf(
          "rerun of a completed download: %d bytes fetched, %d objects skipped%n",
          again.bytesFetched(), again.objectsSkipped());
    }
  }

  @Test
  void objectChangedSinceTheKill_startsOverAndSaysSo(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("changed");
    s3.putRandom("changed", "data/z-big.bin", (long) BIG_CHUNKS * CHUNK);
    killHalfWay(s3, dir, "changed");
    TestObject replaced = s3.putRandom("changed", "data/z-big.bin", (long) BIG_CHUNKS * CHUNK - 5);

    RecordingListener recorder = new RecordingListener();
    DownloadSummary rerun;
    try (Retriever retriever =
        HookFixtures.retriever(s3).chunkSize(CHUNK).addListener(recorder).build()) {
      rerun = retriever.toDirectory(DownloadRequest.prefix("changed", "data/"), dir).await();
    }
    ObjectStarted started = recorder.events(ObjectStarted.class).get(0);
    assertThat(started.restarted()).isTrue();
    assertThat(started.resumedBytes()).isZero();
    assertThat(rerun.bytesFetched()).isEqualTo(replaced.size());
    assertThat(TestData.sha256(dir.resolve("z-big.bin"))).isEqualTo(replaced.sha256());
    assertNoTemporaryFiles(dir);
  }

  private static int killHalfWay(LocalS3 s3, Path dir) throws Exception {
    return killHalfWay(s3, dir, "resume");
  }

  @Test
  void rerunAfterSigkillMidChunk_fetchesOnlyTheRestOfEachChunk(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    int chunk = 16 << 20;
    int connections = 4;
    s3.createBucket("midchunk");
    TestObject big = s3.putRandom("midchunk", "data/z-big.bin", (long) connections * chunk);
    // Paced by the server, so that what it counts as sent is what the child has read.
    s3.streamBytesPerSecond(4L << 20);
    long before = s3.bytesServed();
    Process child = startChild(s3, dir, "midchunk", 0, chunk);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (s3.bytesServed() - before < big.size() / 2) {
      if (!child.isAlive() || System.nanoTime() > deadline) {
        child.destroyForcibly();
        throw new AssertionError("the child ended or stalled before half-way");
      }
      Thread.sleep(20);
    }
    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    long received = s3.bytesServed() - before;
    s3.streamBytesPerSecond(0);
    // Every chunk was part-way: a journal of whole chunks alone would resume nothing.
    assertThat(TestFiles.journalChunks(TestFiles.journal(dir, "z-big.bin"))).isZero();

    long start = s3.bytesServedWhenQuiet();
    DownloadSummary rerun;
    try (Retriever retriever = HookFixtures.retriever(s3).chunkSize(chunk).build()) {
      rerun = retriever.toDirectory(DownloadRequest.prefix("midchunk", "data/"), dir).await();
    }
    long fetched = s3.bytesServed() - start;
    long missing = big.size() - received;
    long slackPerConnection = 2L << 20;
    assertThat(fetched).isLessThanOrEqualTo(missing + connections * slackPerConnection);
    assertThat(rerun.bytesResumed()).isEqualTo(big.size() - rerun.bytesFetched());
    assertThat(TestData.sha256(dir.resolve("z-big.bin"))).isEqualTo(big.sha256());
    assertNoTemporaryFiles(dir);
    System.out.printf(
        Locale.ROOT,
        "resume after SIGKILL mid-chunk: object %d MiB in %d chunks of %d MiB; the child had"
            + " received %.1f MiB; the rerun fetched %.1f MiB (%.1f MiB missing)%n",
        big.size() >> 20,
        connections,
        chunk >> 20,
        received / 1048576.0,
        fetched / 1048576.0,
        missing / 1048576.0);
  }

  /** Starts a download of {@code bucket/data/} into {@code dir} in a child process. */
  private static Process startChild(LocalS3 s3, Path dir, String bucket, long cap, int chunk)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        List.of(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            ResumeChild.class.getName(),
            s3.endpoint().toString(),
            s3.region(),
            s3.accessKey(),
            s3.secretKey(),
            bucket,
            "data/",
            dir.toString(),
            Long.toString(cap),
            Integer.toString(chunk));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolveSibling(dir.getFileName() + ".child.log").toFile())
        .start();
  }

  /** Runs the download in a child process and kills it with SIGKILL once half is journaled. */
  private static int killHalfWay(LocalS3 s3, Path dir, String bucket) throws Exception {
    Process child = startChild(s3, dir, bucket, CAP, CHUNK);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int lines = 0;
    while (lines < BIG_CHUNKS / 2) {
      if (!child.isAlive() || System.nanoTime() > deadline) {
        child.destroyForcibly();
        throw new AssertionError(
            "the child ended or stalled before half-way: " + lines + " chunks");
      }
      Thread.sleep(20);
      lines = TestFiles.journalChunks(TestFiles.journal(dir, "z-big.bin"));
    }
    child.destroyForcibly(); // SIGKILL: nothing runs in the child after this
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isEqualTo(137);
    return TestFiles.journalChunks(TestFiles.journal(dir, "z-big.bin"));
  }

  private static void assertNoTemporaryFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.contains(".retriever-part"));
    }
  }
}
