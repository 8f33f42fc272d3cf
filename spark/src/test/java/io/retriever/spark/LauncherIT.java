package io.retriever.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code ./retriever-spark} from the repository root, as the README shows it, after the
 * module's jar and class path are built: a distributed download on a local Spark in a JVM of its
 * own, from {@link LocalS3}.
 */
@ExtendWith(LocalS3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LauncherIT {
  private static final Path ROOT = Path.of(System.getProperty("retriever.root")).normalize();
  private static final String BUCKET = "launcher";
  private static final int CHUNK = 1 << 20;

  private LocalS3 s3;
  private final List<TestObject> objects = new ArrayList<>();

  @BeforeAll
  void fill(LocalS3 s3) {
    this.s3 = s3;
    s3.createBucket(BUCKET);
    objects.addAll(s3.putMany(BUCKET, 300, 1500, i -> String.format("set/many/m-%03d", i)));
    long[] sizes = {0, 1, CHUNK, CHUNK + 1, 5L * CHUNK + 3};
    for (long size : sizes) {
      objects.add(s3.putRandom(BUCKET, "set/edge/size-" + size, size));
    }
    objects.add(s3.putRandom(BUCKET, "set/deep/a/b/c/nested.bin", 777));
    objects.add(s3.putRandom(BUCKET, "set/données/ünïcode ✓.bin", 4321));
    // Split across tasks by --split-size below.
    objects.add(s3.putRandom(BUCKET, "set/large.bin", 12L * CHUNK + 5));
    s3.putRandom(BUCKET, "elsewhere/not-taken", 10);
  }

  @Test
  void get_prefix_exitsZeroWithSummaryAndEveryFileExact(@TempDir Path dir) throws Exception {
    Result result =
        run(
            "get",
            "--master",
            "local[2]",
            "--chunk-size",
            "1MiB",
            "--split-size",
            "2MiB",
            "s3://" + BUCKET + "/set/",
            dir.toString());

    assertThat(result.code).as(result.err).isZero();
    assertThat(result.out).startsWith("Downloaded " + objects.size() + " objects");
    for (TestObject o : objects) {
      Path file = dir.resolve(o.key().substring("set/".length()));
      assertThat(file).as(o.key()).hasSize(o.size());
      assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
    }
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(objects.size());
    }
  }

  @Test
  void get_missingBucket_exitsOneWithOneLine(@TempDir Path dir) throws Exception {
    Result result = run("get", "--master", "local[1]", "s3://no-such-bucket/x/", dir.toString());

    assertThat(result.code).isEqualTo(1);
    assertThat(result.err.lines().filter(l -> l.startsWith("retriever-spark:")))
        .containsExactly(
            "retriever-spark: bucket 'no-such-bucket' does not exist at "
                + s3.endpoint()
                + "; check its name");
  }

  private record Result(int code, String out, String err) {}

  private Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("retriever-spark").toString());
    command.add(args[0]);
    command.addAll(
        List.of(
            "--endpoint-url", s3.endpoint().toString(), "--region", s3.region(), "--path-style"));
    command.addAll(List.of(args).subList(1, args.length));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
    builder.environment().put("AWS_ACCESS_KEY_ID", s3.accessKey());
    builder.environment().put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
    builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    builder.environment().remove("AWS_PROFILE");
    Path out = Files.createTempFile("launcher", ".out");
    Path err = Files.createTempFile("launcher", ".err");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    try {
      if (!process.waitFor(4, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            "./retriever-spark did not end within 4 minutes: "
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
