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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C and a full disk during {@code retriever get}: clean temporary files, clear errors. */
@ExtendWith(LocalS3Extension.class)
class InterruptAndDiskFullTest {
  @Test
  void sigint_removesTemporaryFiles_exits130_andARerunFinishes(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("ctrlc");
    TestObject small = s3.putRandom("ctrlc", "d/a-small.bin", 100_000);
    TestObject big = s3.putRandom("ctrlc", "d/z-big.bin", 32L << 20);
    Path dest = dir.resolve("dest");
    Process child =
        Cli.startInterruptible(
            s3,
            at(
                s3,
                "get",
                "s3://ctrlc/d/",
                dest.toString(),
                "--chunk-size",
                "1MiB",
                "--max-bandwidth",
                "4MiB",
                "-q"));
    Path journal = dest.resolve(".z-big.bin.retriever-part.journal");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(journal) || Files.size(journal) < 100) {
      assertThat(child.isAlive()).isTrue();
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(20);
    }
    new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isEqualTo(130);
    assertThat(TestFiles.regularFiles(dest)).containsExactly("a-small.bin");
    assertThat(TestData.sha256(dest.resolve("a-small.bin"))).isEqualTo(small.sha256());

    Cli.Result rerun = Cli.run(s3, at(s3, "get", "s3://ctrlc/d/", dest.toString()));
    assertThat(rerun.exitCode()).as(rerun.stderr()).isZero();
    assertThat(rerun.out()).contains("1 object skipped (up to date)");
    assertThat(TestData.sha256(dest.resolve("z-big.bin"))).isEqualTo(big.sha256());
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
