package io.retriever.cli;

import static io.retriever.cli.Cli.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two {@code retriever get} processes into one directory at once. */
@ExtendWith(LocalS3Extension.class)
class ConcurrentGetCliTest {
  @Test
  void twoGets_intoOneDirectoryAtOnce_bothSucceedAndEveryFileIsExact(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("twice");
    List<TestObject> objects =
        new ArrayList<>(s3.putMany("twice", 300, 20_000, i -> String.format("d/s-%03d", i)));
    objects.add(s3.putRandom("twice", "d/m-0", (3L << 20) + 12_345));
    objects.add(s3.putRandom("twice", "d/m-1", (3L << 20) + 1));
    Path dest = dir.resolve("dest");
    String[] args = at(s3, "get", "s3://twice/d/", dest.toString(), "--chunk-size", "1MiB", "-q");
    CompletableFuture<Cli.Result> first = CompletableFuture.supplyAsync(() -> run(s3, args));
    CompletableFuture<Cli.Result> second = CompletableFuture.supplyAsync(() -> run(s3, args));
    for (Cli.Result result : List.of(first.join(), second.join())) {
      assertThat(result.exitCode()).as(result.stderr()).isZero();
    }
    for (TestObject o : objects) {
      assertThat(TestData.sha256(dest.resolve(o.key().substring(2))))
          .as(o.key())
          .isEqualTo(o.sha256());
    }
    assertThat(TestFiles.temporaryFiles(dest)).isEmpty();

    Cli.Result rerun = Cli.run(s3, at(s3, "get", "s3://twice/d/", dest.toString()));
    assertThat(rerun.exitCode()).as(rerun.stderr()).isZero();
    assertThat(rerun.out())
        .startsWith("Up to date: " + objects.size() + " objects already downloaded");
  }

  private static Cli.Result run(LocalS3 s3, String[] args) {
    try {
      return Cli.run(s3, args);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
