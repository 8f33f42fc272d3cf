package io.retriever.cli;

import static io.retriever.cli.Cli.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Filters, wildcards, the cache and resume, through {@code retriever get}. */
@ExtendWith(LocalS3Extension.class)
class HooksCliTest {
  @Test
  void wildcardsAndIncludeExclude(LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("wild");
    for (String key :
        List.of(
            "logs/2020-12/a.gz", "logs/2021-01/a.gz", "logs/2021-01/b.txt", "logs/2021-02/c.gz")) {
      s3.putRandom("wild", key, 500);
    }
    Cli.Result r =
        Cli.run(s3, at(s3, "get", "s3://wild/logs/2021-*/*.gz", dir.resolve("w").toString(), "-q"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(TestFiles.regularFiles(dir.resolve("w")))
        .containsExactly("2021-01/a.gz", "2021-02/c.gz");

    r =
        Cli.run(
            s3,
            at(
                s3,
                "get",
                "s3://wild/logs/",
                dir.resolve("f").toString(),
                "-q",
                "--exclude",
                "*",
                "--include",
                "2021-*",
                "--exclude=*.gz"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(TestFiles.regularFiles(dir.resolve("f"))).containsExactly("2021-01/b.txt");
  }

  @Test
  void cacheAndRerun_fetchNothingTheSecondTime(LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("again");
    List<TestObject> objects = s3.putMany("again", 20, 50_000, i -> "d/o" + i);
    String cache = dir.resolve("cache").toString();
    Cli.Result first =
        Cli.run(
            s3,
            at(s3, "get", "s3://again/d/", dir.resolve("one").toString(), "--cache-dir", cache));
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.out()).doesNotContain("fetched from S3");

    Cli.Result cached =
        Cli.run(
            s3,
            at(s3, "get", "s3://again/d/", dir.resolve("two").toString(), "--cache-dir", cache));
    assertThat(cached.exitCode()).as(cached.stderr()).isZero();
    assertThat(cached.out()).contains("0 B fetched from S3, 976.6 KiB from cache");
    for (TestObject o : objects) {
      assertThat(TestData.sha256(dir.resolve("two").resolve(o.key().substring(2))))
          .isEqualTo(o.sha256());
    }

    Cli.Result rerun = Cli.run(s3, at(s3, "get", "s3://again/d/", dir.resolve("two").toString()));
    assertThat(rerun.exitCode()).as(rerun.stderr()).isZero();
    assertThat(rerun.out())
        .startsWith("Up to date: 20 objects already downloaded, nothing fetched (")
        .doesNotContain("Downloaded");

    Cli.Result over =
        Cli.run(
            s3,
            at(
                s3,
                "get",
                "s3://again/d/",
                dir.resolve("two").toString(),
                "--no-resume",
                "--fsync"));
    assertThat(over.exitCode()).as(over.stderr()).isZero();
    assertThat(over.out()).contains("Downloaded 20 objects").doesNotContain("skipped");

    // A file edited since it was downloaded is the user's: kept, and the download says so.
    Path edited = dir.resolve("two").resolve("o3");
    Files.write(edited, new byte[50_000]);
    Cli.Result kept = Cli.run(s3, at(s3, "get", "s3://again/d/", dir.resolve("two").toString()));
    assertThat(kept.exitCode()).isEqualTo(1);
    assertThat(kept.stderr())
        .contains(
            edited
                + " was changed locally since Retriever downloaded s3://again/d/o3 to it, so it is"
                + " kept; overwriting (--overwrite) replaces it");
    assertThat(Files.readAllBytes(edited)).isEqualTo(new byte[50_000]);
  }

  @Test
  void getKilledHalfWay_rerunFetchesTheRest(LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("killed");
    TestObject big = s3.putRandom("killed", "big.bin", 32L << 20);
    Path dest = dir.resolve("big.bin");
    Process child =
        Cli.start(
            s3,
            at(
                s3,
                "get",
                "s3://killed/big.bin",
                dest.toString(),
                "--chunk-size",
                "1MiB",
                "--max-bandwidth",
                "8MiB",
                "-q"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (TestFiles.journalChunks(TestFiles.journal(dir, "big.bin")) < 16) {
      assertThat(child.isAlive()).as("child still running").isTrue();
      assertThat(System.nanoTime()).as("half-way within 60 s").isLessThan(deadline);
      Thread.sleep(20);
    }
    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(dest).doesNotExist();

    Cli.Result rerun =
        Cli.run(s3, at(s3, "get", "s3://killed/big.bin", dest.toString(), "--chunk-size", "1MiB"));
    assertThat(rerun.exitCode()).as(rerun.stderr()).isZero();
    // The object's size, and apart from it what came from S3 and what was already on disk.
    assertThat(rerun.out())
        .startsWith("Downloaded 1 object (32.0 MiB) in ")
        .containsPattern("1[0-6]\\.0 MiB fetched from S3, 1[6-9]\\.0 MiB resumed from disk");
    assertThat(TestData.sha256(dest)).isEqualTo(big.sha256());
    assertThat(TestFiles.regularFiles(dir)).containsExactly("big.bin");
    System.out.println("retriever get after SIGKILL: " + rerun.out().strip());
  }
}
