package io.retriever.cli;

import static io.retriever.cli.Cli.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C and a full disk during {@code retriever get}: what stays and what goes, clear errors. */
@ExtendWith(LocalS3Extension.class)
class InterruptAndDiskFullTest {
  @Test
  void sigint_keepsTemporaryFileAndJournal_exits130_andARerunFetchesTheRest(
      LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("ctrlc");
    TestObject small = s3.putRandom("ctrlc", "d/a-small.bin", 100_000);
    TestObject big = s3.putRandom("ctrlc", "d/z-big.bin", 32L << 20);
    Path dest = dir.resolve("dest");
    Process child = interruptHalfWay(s3, dest);
    assertThat(child.exitValue()).isEqualTo(130);
    String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(err.strip()).isEqualTo("interrupted; rerun the same command to continue");
    assertThat(TestData.sha256(dest.resolve("a-small.bin"))).isEqualTo(small.sha256());
    assertThat(TestFiles.partFiles(dest, "z-big.bin")).hasSize(1);
    Path journal = TestFiles.journal(dest, "z-big.bin");
    assertThat(journal).isNotNull();
    int kept = TestFiles.journalChunks(journal);
    assertThat(kept).isGreaterThanOrEqualTo(8);

    long before = s3.bytesServedWhenQuiet();
    Cli.Result rerun =
        Cli.run(s3, at(s3, "get", "s3://ctrlc/d/", dest.toString(), "--chunk-size", "1MiB"));
    assertThat(rerun.exitCode()).as(rerun.stderr()).isZero();
    assertThat(rerun.out()).contains("1 object skipped (up to date)").contains("resumed from disk");
    assertThat(s3.bytesServed() - before).isLessThanOrEqualTo(big.size() - ((long) kept << 20));
    assertThat(TestData.sha256(dest.resolve("z-big.bin"))).isEqualTo(big.sha256());
    assertThat(TestFiles.regularFiles(dest)).containsExactly("a-small.bin", "z-big.bin");
  }

  @Test
  void sigint_withNoResume_removesTemporaryFiles(LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("ctrlc");
    TestObject small = s3.putRandom("ctrlc", "d/a-small.bin", 100_000);
    s3.putRandom("ctrlc", "d/z-big.bin", 32L << 20);
    Path dest = dir.resolve("dest");
    Process child = interruptHalfWay(s3, dest, "--no-resume");
    assertThat(child.exitValue()).isEqualTo(130);
    String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(err.strip()).isEqualTo("interrupted; temporary files removed");
    assertThat(TestFiles.regularFiles(dest)).containsExactly("a-small.bin");
    assertThat(TestData.sha256(dest.resolve("a-small.bin"))).isEqualTo(small.sha256());
  }

  private static boolean partFileHas8MiB(Path dest) {
    for (Path part : TestFiles.partFiles(dest, "z-big.bin")) {
      if (part.toFile().length() >= 8L << 20
          && !Files.exists(part.resolveSibling(part.getFileName() + ".journal"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Starts a download of {@code s3://ctrlc/d/} and sends it SIGINT once 8 MiB are in (journaled,
   * when resuming).
   */
  private static Process interruptHalfWay(LocalS3 s3, Path dest, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "get",
                "s3://ctrlc/d/",
                dest.toString(),
                "--chunk-size",
                "1MiB",
                "--max-bandwidth",
                "4MiB",
                "-q"));
    args.addAll(List.of(more));
    Process child = Cli.startInterruptible(s3, at(s3, args.toArray(String[]::new)));
    child.getOutputStream().close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(dest.resolve("a-small.bin"))
        || (TestFiles.journalChunks(TestFiles.journal(dest, "z-big.bin")) < 8
            && !partFileHas8MiB(dest))) {
      assertThat(child.isAlive()).isTrue();
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(20);
    }
    new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return child;
  }

  @Test
  void fullDisk_saysSo_removesTemporaryFiles_keepsCompleteOnes(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("full");
    TestObject small = s3.putRandom("full", "d/a-small.bin", 100_000);
    s3.putRandom("full", "d/z-big.bin", 8L << 20);
    Path dest = dir.resolve("dest");
    Process child =
        Cli.startWithFileLimit(s3, 2048, at(s3, "get", "s3://full/d/", dest.toString(), "-c", "1"));
    child.getOutputStream().close();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(err).isEqualTo(1);
    assertThat(err)
        .contains("cannot write")
        .contains("File too large")
        .contains("check free space");
    assertThat(err.strip().lines()).hasSize(1);
    assertThat(TestFiles.regularFiles(dest)).containsExactly("a-small.bin");
    assertThat(TestData.sha256(dest.resolve("a-small.bin"))).isEqualTo(small.sha256());
  }
}
