package io.retriever.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpacks the release archive far from the source tree, as a user would, and runs its {@code
 * bin/retriever} from {@code PATH} against LocalS3.
 */
@ExtendWith(LocalS3Extension.class)
class ReleaseArchiveIT {
  private static final Path ARCHIVE = Path.of(System.getProperty("retriever.archive"));
  private static final String ROOT = System.getProperty("retriever.archive.root");
  private static final String VERSION = ROOT.substring("retriever-".length());

  @Test
  void archive_unpacked_holdsLauncherJarsAndReadme(@TempDir Path dir) throws Exception {
    Path home = unpack(dir);

    assertThat(Files.isExecutable(home.resolve("bin/retriever"))).isTrue();
    assertThat(home.resolve("README.md")).isRegularFile();
    assertThat(home.resolve("lib/retriever.jar")).isRegularFile();
    assertThat(home.resolve("lib/retriever-jvm.options")).isRegularFile();
    for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
      assertThat(home.resolve("lib/retriever-core-" + VERSION + suffix)).isRegularFile();
    }
  }

  @Test
  void version_launcherFromArchive_printsReleaseVersion(@TempDir Path dir) throws Exception {
    Path home = unpack(dir);
    ProcessBuilder builder =
        new ProcessBuilder(home.resolve("bin/retriever").toString(), "--version");
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));

    Result result = run(builder);

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout().strip().lines())
        .containsExactly(
            "retriever " + VERSION,
            "JVM: "
                + System.getProperty("java.vm.name")
                + " "
                + System.getProperty("java.vm.version")
                + " ("
                + System.getProperty("java.home")
                + ")",
            "start-up archive: none (run through ./retriever after a build to record one)");
  }

  @Test
  void get_launcherOnPath_downloadsPrefixByteExact(LocalS3 s3, @TempDir Path dir) throws Exception {
    Path home = unpack(dir.resolve("opt"));
    s3.createBucket("release");
    TestObject big = s3.putRandom("release", "data/big.bin", 20L << 20);
    TestObject small = s3.putRandom("release", "data/nested/small.bin", 1000);
    Path dest = dir.resolve("dest");

    Result result =
        runFromPath(s3, home.resolve("bin"), dir, "s3://release/data/", dest.toString());

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(TestData.sha256(dest.resolve("big.bin"))).isEqualTo(big.sha256());
    assertThat(TestData.sha256(dest.resolve("nested/small.bin"))).isEqualTo(small.sha256());
  }

  @Test
  void get_launcherLinkedFromPath_findsItsJarAndDownloads(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    Path home = unpack(dir.resolve("opt"));
    Path onPath = Files.createDirectories(dir.resolve("home/bin"));
    Files.createSymbolicLink(onPath.resolve("retriever"), home.resolve("bin/retriever"));
    s3.createBucket("linked");
    TestObject object = s3.putRandom("linked", "one.bin", 3L << 20);
    Path dest = dir.resolve("one.bin");

    Result result = runFromPath(s3, onPath, dir, "s3://linked/one.bin", dest.toString());

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(Files.size(dest)).isEqualTo(3L << 20);
    assertThat(TestData.sha256(dest)).isEqualTo(object.sha256());
  }

  /** Unpacks the archive with tar into {@code dir} and returns the release's directory. */
  private static Path unpack(Path dir) throws Exception {
    assertThat(ARCHIVE).as("the release archive (built by mvn package)").isRegularFile();
    Files.createDirectories(dir);
    Result tar = run(new ProcessBuilder("tar", "-xzf", ARCHIVE.toString(), "-C", dir.toString()));
    assertThat(tar.exitCode()).as(tar.stderr()).isZero();
    return dir.resolve(ROOT);
  }

  /**
   * Runs {@code retriever get ARGS} through a shell that finds it on {@code PATH} in {@code
   * pathDir}, in {@code workDir}, with credentials for {@code s3} in the environment.
   */
  private static Result runFromPath(LocalS3 s3, Path pathDir, Path workDir, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "exec retriever \"$@\"", "sh"));
    command.add("get");
    command.addAll(List.of(args));
    command.addAll(
        List.of(
            "--endpoint-url", s3.endpoint().toString(), "--region", s3.region(), "--path-style"));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("RETRIEVER_"));
    env.put("PATH", pathDir + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_CONFIG_FILE", "/nonexistent/retriever-test-config");
    env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/retriever-test-credentials");
    env.put("AWS_ACCESS_KEY_ID", s3.accessKey());
    env.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
    return run(builder);
  }

  private static Result run(ProcessBuilder builder) throws Exception {
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<byte[]> out = drain(process.getInputStream());
    CompletableFuture<byte[]> err = drain(process.getErrorStream());
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", builder.command()) + " did not end in 120 s");
    }
    return new Result(
        process.exitValue(),
        new String(out.join(), StandardCharsets.UTF_8),
        new String(err.join(), StandardCharsets.UTF_8));
  }

  private static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toByteArray();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** What a command printed and how it ended. */
  private record Result(int exitCode, String stdout, String stderr) {}
}
