package io.retriever.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.dist.Processes.Result;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's {@code ./retriever}, in a tree of its own that holds the launcher, the release's
 * {@code bin/retriever} and the JVM options file, with a stand-in for Maven that says what a real
 * build says and puts the built jar in place: the build shows one line per module, a failed build
 * shows Maven's errors, and the command then runs through the release's launcher (heap from {@code
 * --max-memory}, the options file's flags). The cache directory is not writable here, so no
 * class-data archive is recorded and {@code --version} says so.
 */
@ExtendWith(LocalS3Extension.class)
class RepositoryLauncherIT {
  private static final Path REPOSITORY = Path.of(System.getProperty("retriever.root")).normalize();
  private static final Path JAR = REPOSITORY.resolve("retriever-cli/target/retriever.jar");
  private static final String OPTIONS =
      "retriever-bench/src/main/resources/io/retriever/bench/retriever-jvm.options";
  private static final String UNWRITABLE = "/proc/retriever-no-cache";

  @TempDir Path dir;
  private Path root;
  private Path bin;

  @BeforeEach
  void layOut() throws Exception {
    assertThat(JAR).as("the command line's jar (built by mvn package)").isRegularFile();
    root = dir.resolve("repository");
    for (String file :
        List.of("retriever", "retriever-dist/src/main/dist/bin/retriever", OPTIONS)) {
      Path copy = root.resolve(file);
      Files.createDirectories(copy.getParent());
      Files.copy(REPOSITORY.resolve(file), copy, StandardCopyOption.COPY_ATTRIBUTES);
    }
    Files.writeString(root.resolve("pom.xml"), "<project/>\n");
    bin = Files.createDirectories(dir.resolve("bin"));
  }

  /** Puts a stand-in for Maven on the PATH: it prints {@code output} and exits {@code status}. */
  private void maven(String output, int status) throws Exception {
    Path mvn = bin.resolve("mvn");
    Files.writeString(
        mvn,
        "#!/bin/sh\n"
            + "printf '%s\\n' \"$PWD $*\" > '"
            + dir.resolve("mvn-args")
            + "'\n"
            + "cat <<'OUTPUT'\n"
            + output
            + "OUTPUT\n"
            + (status == 0
                ? "mkdir -p retriever-cli/target && cp '" + JAR + "' retriever-cli/target/\n"
                : "")
            + "exit "
            + status
            + "\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Result run(Map<String, String> env, String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = root.resolve("retriever").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("XDG_CACHE_HOME", UNWRITABLE);
    return Processes.run(
        Processes.fresh(dir, Files.createDirectories(dir.resolve("user")), bin, all, command), 120);
  }

  @Test
  void firstUse_buildsShowingEachModule_thenRuns() throws Exception {
    maven(
        "[INFO] Scanning for projects...\n"
            + "\u001b[1m[INFO] Building Retriever core 0.1.0-SNAPSHOT                  [1/2]\u001b[m\n"
            + "[INFO] Building jar: /somewhere/retriever-core-0.1.0-SNAPSHOT.jar\n"
            + "[INFO] Building Retriever command line 0.1.0-SNAPSHOT          [2/2]\n"
            + "[INFO] BUILD SUCCESS\n",
        0);

    Result first = run(Map.of(), "--version");

    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.stderr().lines())
        .hasSize(4)
        .allSatisfy(line -> assertThat(line).startsWith("retriever: "));
    List<String> progress = first.stderr().lines().toList();
    assertThat(progress.get(0)).startsWith("retriever: building the command line (first use");
    assertThat(progress.get(1)).matches("retriever: building 1/2: Retriever core \\(0:0\\d\\)");
    assertThat(progress.get(2))
        .matches("retriever: building 2/2: Retriever command line \\(0:0\\d\\)");
    assertThat(progress.get(3)).matches("retriever: built in 0:0\\d");
    assertThat(Files.readString(dir.resolve("mvn-args")).strip())
        .isEqualTo(root + " -B -Dmaven.test.skip=true package -pl retriever-cli -am");
    assertThat(first.stdout())
        .startsWith("retriever 0.1.0-SNAPSHOT\n")
        .contains("start-up archive: none (the launcher could not record one at " + UNWRITABLE);

    Result again = run(Map.of(), "--version");
    assertThat(again.stderr()).isEmpty();
    assertThat(again.stdout()).isEqualTo(first.stdout());
  }

  @Test
  void failedBuild_showsMavensErrors_andWhereItsOutputIs() throws Exception {
    maven(
        "[INFO] Building Retriever core 0.1.0-SNAPSHOT                  [1/2]\n"
            + "[ERROR] COMPILATION ERROR : \n"
            + "[ERROR] /x/Retriever.java:[12,5] cannot find symbol\n",
        1);

    Result r = run(Map.of(), "--version");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stdout()).isEmpty();
    List<String> lines = r.stderr().lines().toList();
    assertThat(lines)
        .contains(
            "[ERROR] COMPILATION ERROR : ", "[ERROR] /x/Retriever.java:[12,5] cannot find symbol");
    assertThat(lines.get(lines.size() - 1))
        .startsWith("retriever: the build failed; Maven's whole output is in ");
    Path log = Path.of(lines.get(lines.size() - 1).replaceFirst(".* is in ", ""));
    assertThat(log).content().contains("cannot find symbol");
    Files.delete(log);
    assertThat(root.resolve("retriever-cli/target/retriever.jar")).doesNotExist();
  }

  @Test
  void get_heapFollowsMaxMemory_andTheOptionsFileIsPassed_asTheReleaseDoes(LocalS3 s3)
      throws Exception {
    maven("[INFO] Building Retriever command line 0.1.0-SNAPSHOT          [1/1]\n", 0);
    s3.createBucket("repo");
    TestObject object = s3.putRandom("repo", "one.bin", 2L << 20);
    Path dest = dir.resolve("one.bin");

    Result r =
        run(
            Map.of(
                "AWS_ACCESS_KEY_ID",
                s3.accessKey(),
                "AWS_SECRET_ACCESS_KEY",
                s3.secretKey(),
                "RETRIEVER_JAVA_OPTS",
                "-XX:+PrintFlagsFinal"),
            "get",
            "s3://repo/one.bin",
            dest.toString(),
            "--max-memory",
            "1GiB",
            "--endpoint-url",
            s3.endpoint().toString(),
            "--region",
            s3.region(),
            "--path-style");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(Files.size(dest)).isEqualTo(object.size());
    assertThat(TestData.sha256(dest)).isEqualTo(object.sha256());
    assertThat(flag(r.stdout(), "MaxHeapSize")).isEqualTo((1024L + 80) << 20);
    assertThat(flag(r.stdout(), "TieredStopAtLevel")).isEqualTo(1);
  }

  /** Returns a numeric flag from the JVM's {@code -XX:+PrintFlagsFinal} table. */
  private static long flag(String flags, String name) {
    Matcher m = Pattern.compile("(?m)^ *\\S+ +" + name + " += (\\d+)").matcher(flags);
    assertThat(m.find()).as(name + " in the JVM's flags").isTrue();
    return Long.parseLong(m.group(1));
  }
}
