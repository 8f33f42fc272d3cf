package io.retriever.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.dist.Processes.Result;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpacks the release archive far from the source tree, as a user would, and runs its {@code
 * bin/retriever} from a clean {@code PATH} (the release's {@code bin} and the system's directories,
 * no Maven, no source tree) against LocalS3: the launcher sizes the heap from {@code --max-memory}
 * and passes the JVM options of {@code lib/retriever-jvm.options}, as the repository's {@code
 * ./retriever} does, and runs without a class-data archive where it cannot keep one.
 */
@ExtendWith(LocalS3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseArchiveIT {
  private static final Path ARCHIVE = Path.of(System.getProperty("retriever.archive"));
  private static final String ROOT = System.getProperty("retriever.archive.root");
  private static final String VERSION = ROOT.substring("retriever-".length());

  /**
   * Where the launcher would keep its class-data archive: nowhere it can write, so that these tests
   * run without the 10 s of recording one (ReadmeIT sees the release record and use its archive, as
   * the README's commands run it first).
   */
  private static final String UNWRITABLE = "/proc/retriever-no-cache";

  @TempDir static Path dir;
  private Path home;
  private Path user;

  @BeforeAll
  void unpack() throws Exception {
    assertThat(ARCHIVE).as("the release archive (built by mvn package)").isRegularFile();
    Path opt = Files.createDirectories(dir.resolve("opt"));
    user = Files.createDirectories(dir.resolve("user"));
    Result tar =
        Processes.run(
            Processes.fresh(
                dir, user, null, Map.of(), "tar", "-xzf", ARCHIVE.toString(), "-C", opt.toString()),
            60);
    assertThat(tar.exitCode()).as(tar.stderr()).isZero();
    home = opt.resolve(ROOT);
  }

  @Test
  @Order(1)
  void archive_holdsLauncherJarsAndReadme() {
    assertThat(Files.isExecutable(home.resolve("bin/retriever"))).isTrue();
    assertThat(home.resolve("README.md")).isRegularFile();
    assertThat(home.resolve("lib/retriever.jar")).isRegularFile();
    assertThat(home.resolve("lib/retriever-jvm.options")).isRegularFile();
    for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
      assertThat(home.resolve("lib/retriever-core-" + VERSION + suffix)).isRegularFile();
    }
  }

  @Test
  @Order(2)
  void version_cacheNotWritable_runsWithoutAnArchiveAndSaysWhy() throws Exception {
    Result r = retriever(Map.of(), "--version");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout().strip().lines())
        .hasSize(3)
        .startsWith(
            "retriever " + VERSION,
            "JVM: "
                + System.getProperty("java.vm.name")
                + " "
                + System.getProperty("java.vm.version")
                + " ("
                + Processes.JAVA_HOME
                + ")");
    assertThat(r.stdout().strip().lines().toList().get(2))
        .matches(
            Pattern.quote(
                    "start-up archive: none (the launcher could not record one at "
                        + UNWRITABLE
                        + "/retriever/start-up/"
                        + runtimeVersion()
                        + "/retriever-")
                + "\\d+\\.jsa\\)");
  }

  /** Returns the running Java's version as its release file states it. */
  private static String runtimeVersion() throws Exception {
    for (String line : Files.readAllLines(Path.of(Processes.JAVA_HOME, "release"))) {
      if (line.startsWith("JAVA_RUNTIME_VERSION=")) {
        return line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
      }
    }
    throw new AssertionError("no JAVA_RUNTIME_VERSION in the release file");
  }

  @Test
  @Order(3)
  void get_heapFollowsMaxMemory_andTheOptionsFileIsPassed(LocalS3 s3) throws Exception {
    s3.createBucket("heap");
    TestObject object = s3.putRandom("heap", "one.bin", 3L << 20);
    Map<String, Long> heaps = new HashMap<>();
    List<List<String>> memories =
        List.of(List.of("--max-memory", "1GiB"), List.of("--max-memory=512MiB"), List.of());
    for (List<String> memory : memories) {
      Path dest = dir.resolve("heap-" + heaps.size() + ".bin");
      List<String> args = new ArrayList<>(List.of("get", "s3://heap/one.bin", dest.toString()));
      args.addAll(memory);
      args.addAll(at(s3));
      Result r = retriever(credentials(s3, "RETRIEVER_JAVA_OPTS", "-XX:+PrintFlagsFinal"), args);

      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(TestData.sha256(dest)).isEqualTo(object.sha256());
      heaps.put(String.join(" ", memory), flag(r.stdout(), "MaxHeapSize"));
      // From lib/retriever-jvm.options: the C1 compiler only and the serial collector.
      assertThat(flag(r.stdout(), "TieredStopAtLevel")).isEqualTo(1);
      assertThat(r.stdout()).containsPattern("bool UseSerialGC += true");
    }
    // The budget plus 80 MiB; 256 MiB when no --max-memory is given.
    assertThat(heaps)
        .containsEntry("--max-memory 1GiB", (1024L + 80) << 20)
        .containsEntry("--max-memory=512MiB", (512L + 80) << 20)
        .containsEntry("", (256L + 80) << 20);
  }

  @Test
  @Order(4)
  void get_launcherOnPath_downloadsPrefixByteExact(LocalS3 s3) throws Exception {
    s3.createBucket("release");
    TestObject big = s3.putRandom("release", "data/big.bin", 20L << 20);
    TestObject small = s3.putRandom("release", "data/nested/small.bin", 1000);
    Path dest = dir.resolve("dest");
    List<String> args = new ArrayList<>(List.of("get", "s3://release/data/", dest.toString()));
    args.addAll(at(s3));

    Result result = retriever(credentials(s3), args);

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stderr()).isEmpty();
    assertThat(Files.size(dest.resolve("big.bin"))).isEqualTo(big.size());
    assertThat(TestData.sha256(dest.resolve("big.bin"))).isEqualTo(big.sha256());
    assertThat(TestData.sha256(dest.resolve("nested/small.bin"))).isEqualTo(small.sha256());
  }

  @Test
  @Order(5)
  void get_launcherLinkedFromPath_findsItsJarAndDownloads(LocalS3 s3) throws Exception {
    Path onPath = Files.createDirectories(dir.resolve("user/bin"));
    Files.createSymbolicLink(onPath.resolve("retriever"), home.resolve("bin/retriever"));
    s3.createBucket("linked");
    TestObject object = s3.putRandom("linked", "one.bin", 3L << 20);
    Path dest = dir.resolve("one.bin");
    List<String> args = new ArrayList<>(List.of("get", "s3://linked/one.bin", dest.toString()));
    args.addAll(at(s3));

    Map<String, String> env = credentials(s3);
    env.put("XDG_CACHE_HOME", UNWRITABLE);
    Result result =
        Processes.run(
            Processes.fresh(dir, user, onPath, env, shell(args).toArray(String[]::new)), 120);

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(Files.size(dest)).isEqualTo(3L << 20);
    assertThat(TestData.sha256(dest)).isEqualTo(object.sha256());
  }

  /** Runs {@code retriever ARGS} through a shell that finds it on a clean {@code PATH}. */
  private Result retriever(Map<String, String> env, String... args) throws Exception {
    return retriever(env, List.of(args));
  }

  private Result retriever(Map<String, String> env, List<String> args) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.put("XDG_CACHE_HOME", UNWRITABLE);
    return Processes.run(
        Processes.fresh(dir, user, home.resolve("bin"), all, shell(args).toArray(String[]::new)),
        120);
  }

  private static List<String> shell(List<String> args) {
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "exec retriever \"$@\"", "sh"));
    command.addAll(args);
    return command;
  }

  private static List<String> at(LocalS3 s3) {
    return List.of(
        "--endpoint-url", s3.endpoint().toString(), "--region", s3.region(), "--path-style");
  }

  private static Map<String, String> credentials(LocalS3 s3, String... more) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", s3.accessKey());
    env.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
    for (int i = 0; i + 1 < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  /** Returns a numeric flag from the JVM's {@code -XX:+PrintFlagsFinal} table. */
  private static long flag(String flags, String name) {
    Matcher m = Pattern.compile("(?m)^ *\\S+ +" + name + " += (\\d+)").matcher(flags);
    assertThat(m.find()).as(name + " in the JVM's flags").isTrue();
    return Long.parseLong(m.group(1));
  }
}
