package io.retriever.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.dist.Processes.Result;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pastes the README's shell commands, in order, into one fresh shell at the root of a fresh copy of
 * the source tree (the files git knows, with the command line's jar and the release archive this
 * build made), with an empty home directory and a {@code PATH} of the system's directories and
 * Java's. Every command must work.
 *
 * <p>What differs from a user's paste, and why:
 *
 * <ul>
 *   <li>{@code retriever get} and {@code ls} talk to a LocalS3 instead of S3: {@code --endpoint-url
 *       URL --path-style} is put after the subcommand (a second, unsigned LocalS3 for the public
 *       bucket), and the buckets hold objects named as the README names them;
 *   <li>the Maven commands are the build running this test ({@code mvn -B verify}), done by it
 *       ({@code mvn -B package -DskipTests}: the archive is where the README says), or would
 *       replace the artifacts of the local Maven repository this build reads ({@code mvn -B install
 *       -DskipTests}): they are not run, and any other Maven command fails the test;
 *   <li>the comparisons of {@code ./retriever demo} run one round on smaller data, to keep the
 *       suite's time.
 * </ul>
 */
class ReadmeIT {
  private static final Path REPOSITORY = Path.of(System.getProperty("retriever.root")).normalize();
  private static final String ARCHIVE = "retriever-dist/target/" + archiveName();

  private static final Map<String, String> NOT_RUN =
      Map.of(
          "mvn -B verify", "the build running this test",
          "mvn -B package -DskipTests", "done by this build",
          "mvn -B install -DskipTests", "would replace the local repository's artifacts");

  private static final Map<String, String> SMALLER =
      Map.of(
          "--objects 1x1GiB --compare --runs 3", "--objects 1x16MiB --compare --runs 1",
          "--objects 2000x64KiB --compare --runs 3", "--objects 50x64KiB --compare --runs 1");

  @TempDir Path dir;

  private static String archiveName() {
    return System.getProperty("retriever.archive.root") + ".tar.gz";
  }

  @Test
  void readmeCommands_pastedInOrderIntoAFreshShell_allWork() throws Exception {
    Path clone = copyOfTheSourceTree();
    Path home = Files.createDirectories(dir.resolve("home"));
    try (LocalS3 s3 = LocalS3.builder().start();
        LocalS3 open = LocalS3.builder().anonymous().start()) {
      Map<String, List<TestObject>> data = fill(s3, open);
      List<String> commands = commands(Files.readString(clone.resolve("README.md")));
      Path out = Files.createDirectories(dir.resolve("out"));
      Path script = dir.resolve("readme.sh");
      Files.writeString(script, script(commands, s3, open, out));

      Result result =
          Processes.run(
              Processes.fresh(
                  clone,
                  home,
                  Path.of(Processes.JAVA_HOME, "bin"),
                  Map.of(
                      "AWS_ACCESS_KEY_ID", s3.accessKey(),
                      "AWS_SECRET_ACCESS_KEY", s3.secretKey(),
                      "AWS_REGION", s3.region()),
                  "bash",
                  "--noprofile",
                  "--norc",
                  script.toString()),
              600);

      assertThat(result.exitCode()).as(result.stderr() + outputs(out)).isZero();
      System.out.println("README commands, seconds since the start at the end of each:");
      System.out.println(read(out, "times"));
      checkOutputs(commands, out, home);
      checkFiles(clone, home, data);
    }
  }

  /**
   * Copies the files git knows (tracked, or new and not ignored) with their times, and the jar and
   * archive this build made, as a fresh clone holds them after the README's build commands.
   */
  private Path copyOfTheSourceTree() throws Exception {
    Path clone = dir.resolve("clone");
    Result git =
        Processes.run(
            new ProcessBuilder(
                    "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .directory(REPOSITORY.toFile()),
            60);
    assertThat(git.exitCode()).as("git ls-files: " + git.stderr()).isZero();
    List<String> files = new ArrayList<>(List.of(git.stdout().split("\0")));
    files.add("retriever-cli/target/retriever.jar");
    files.add(ARCHIVE);
    for (String file : files) {
      Path source = REPOSITORY.resolve(file);
      if (file.isEmpty() || !Files.isRegularFile(source)) {
        continue;
      }
      Path copy = clone.resolve(file);
      Files.createDirectories(copy.getParent());
      Files.copy(source, copy, StandardCopyOption.COPY_ATTRIBUTES);
    }
    Path jar = clone.resolve("retriever-cli/target/retriever.jar");
    assertThat(jar).as("the command line's jar (built by mvn package)").isRegularFile();
    assertThat(clone.resolve(ARCHIVE)).as("the release archive").isRegularFile();
    // ./retriever would build again if a source were newer than the jar: not what this checks.
    try (Stream<Path> all = Files.walk(clone)) {
      long jarTime = Files.getLastModifiedTime(jar).toMillis();
      assertThat(
              all.filter(Files::isRegularFile)
                  .filter(
                      p ->
                          p.toString().endsWith(".java")
                              || p.endsWith("pom.xml")
                              || p.toString().contains("/src/main/resources/"))
                  .filter(p -> modified(p) > jarTime))
          .as("sources newer than the jar: run mvn package first")
          .isEmpty();
    }
    return clone;
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Fills the buckets the README's examples name. */
  private Map<String, List<TestObject>> fill(LocalS3 s3, LocalS3 open) throws Exception {
    Map<String, List<TestObject>> data = new LinkedHashMap<>();
    s3.createBucket("my-bucket");
    data.put("model", List.of(s3.putRandom("my-bucket", "models/model.bin", 3L << 20)));
    data.put(
        "train",
        s3.putMany("my-bucket", 6, 20_000, i -> "datasets/train/part-" + i + "/shard.bin"));
    data.put(
        "logs",
        List.of(
            s3.putRandom("my-bucket", "logs/2020-12/a.gz", 1000),
            s3.putRandom("my-bucket", "logs/2021-01/b.gz", 1100),
            s3.putRandom("my-bucket", "logs/2021-01/c.txt", 1200),
            s3.putRandom("my-bucket", "logs/2021-02/d.gz", 1300)));
    data.put(
        "data",
        List.of(
            s3.putRandom("my-bucket", "data/x.parquet", 4000),
            s3.putRandom("my-bucket", "data/y.csv", 4100),
            s3.putRandom("my-bucket", "data/sub/z.parquet", 4200)));
    // A real tar archive, which the README streams into tar.
    Path members = Files.createDirectories(dir.resolve("tar-members"));
    Files.write(members.resolve("backup-one.bin"), bytes(300_000, 1));
    Files.write(members.resolve("backup-two.bin"), bytes(5_000, 2));
    Result tar =
        Processes.run(
            new ProcessBuilder("tar", "-cf", "../big.tar", "backup-one.bin", "backup-two.bin")
                .directory(members.toFile()),
            60);
    assertThat(tar.exitCode()).as(tar.stderr()).isZero();
    s3.put("my-bucket", "backups/big.tar", Files.readAllBytes(dir.resolve("big.tar")));
    open.createBucket("noaa-goes16");
    data.put(
        "goes",
        open.putMany(
            "noaa-goes16", 3, 50_000, i -> "ABI-L1b-RadC/2024/001/00/OR_ABI-" + i + ".nc"));
    return data;
  }

  /** Returns the commands of the README's {@code sh} blocks, in order, without comment lines. */
  static List<String> commands(String readme) {
    List<String> commands = new ArrayList<>();
    boolean inShell = false;
    for (String line : readme.lines().toList()) {
      if (line.startsWith("```")) {
        inShell = !inShell && line.strip().equals("```sh");
        continue;
      }
      String command = line.strip();
      if (inShell && !command.isEmpty() && !command.startsWith("#")) {
        commands.add(command);
      }
    }
    return commands;
  }

  /**
   * Returns the script: each command as pasted (changed only as the class says), its output kept in
   * {@code out/N.out} and {@code out/N.err}, the first failure ending the script.
   */
  private static String script(List<String> commands, LocalS3 s3, LocalS3 open, Path out) {
    StringBuilder script = new StringBuilder("set -o pipefail\nSECONDS=0\n");
    for (int i = 0; i < commands.size(); i++) {
      String command = commands.get(i);
      String bare = command.replaceFirst("\\s+#.*$", "").strip();
      if (bare.startsWith("mvn ")) {
        assertThat(NOT_RUN).as("a Maven command of the README this test knows").containsKey(bare);
        script.append("# not run (").append(NOT_RUN.get(bare)).append("): ").append(bare);
        script.append('\n');
        continue;
      }
      for (Map.Entry<String, String> smaller : SMALLER.entrySet()) {
        command = command.replace(smaller.getKey(), smaller.getValue());
      }
      if (command.contains("s3://")) {
        LocalS3 store = command.contains("--no-sign-request") ? open : s3;
        String at = " --endpoint-url " + store.endpoint() + " --path-style";
        command = command.replaceFirst("^retriever (get|ls) ", "retriever $1" + at + " ");
      }
      script
          .append("{ ")
          .append(command)
          .append("\n} >'")
          .append(out.resolve(i + ".out"))
          .append("' 2>'")
          .append(out.resolve(i + ".err"))
          .append("'\nstatus=$?\necho \"$SECONDS s: ")
          .append(i)
          .append("\" >> '")
          .append(out.resolve("times"))
          .append("'\nif [ $status -ne 0 ]; then echo \"README command ")
          .append(i)
          .append(" failed with exit $status: ")
          .append(command.replace("'", "").replace("\"", "").replace("$", "\\$"))
          .append("\" >&2; exit 1; fi\n");
    }
    return script.toString();
  }

  /** Checks what the commands printed. */
  private void checkOutputs(List<String> commands, Path out, Path home) throws Exception {
    String notice =
        "retriever: preparing a faster start-up for this Java (once, about 10 s; kept in";
    int demo =
        commands.indexOf(
            commands.stream()
                .filter(c -> c.startsWith("./retriever demo"))
                .findFirst()
                .orElseThrow());
    assertThat(read(out, demo + ".out")).contains("Verified 817 objects byte for byte (SHA-256).");
    assertThat(read(out, demo + ".err"))
        .as("the jar is up to date: no build")
        .doesNotContain("retriever: building");
    assertThat(read(out, demo + ".err"))
        .as("the first ./retriever records its archive")
        .contains(notice);
    for (int i = demo + 1; i < commands.size(); i++) {
      String command = commands.get(i);
      if (command.startsWith("./retriever demo --objects")) {
        assertThat(read(out, i + ".out")).contains("Plain GetObject loop").contains("Verified");
        assertThat(read(out, i + ".err")).doesNotContain(notice);
      }
      if (command.equals("retriever --version")) {
        // The release's launcher records its own archive on first use, and starts with it.
        assertThat(read(out, i + ".err")).contains(notice);
        assertThat(read(out, i + ".out"))
            .startsWith("retriever ")
            .contains("start-up archive: in use (" + home.resolve(".cache/retriever/start-up/"));
      }
      if (command.startsWith("retriever ls s3://my-bucket/datasets/")) {
        assertThat(read(out, i + ".out").strip().lines())
            .hasSize(7)
            .last()
            .asString()
            .startsWith("Total: 6 objects, ");
      }
      if (command.startsWith("retriever ls 's3://my-bucket/logs/2021-*/*.gz'")) {
        assertThat(read(out, i + ".out").lines().map(l -> l.substring(l.lastIndexOf(' ') + 1)))
            .containsExactly("logs/2021-01/b.gz", "logs/2021-02/d.gz");
      }
    }
    assertThat(commands).contains("retriever --version");
  }

  /** Checks every file the README's downloads made, by size and SHA-256. */
  private static void checkFiles(Path clone, Path home, Map<String, List<TestObject>> data)
      throws Exception {
    TestObject model = data.get("model").get(0);
    assertExact(clone.resolve("model.bin"), model);
    for (TestObject o : data.get("train")) {
      assertExact(clone.resolve("train").resolve(o.key().substring("datasets/train/".length())), o);
    }
    assertExact(clone.resolve("backup-one.bin"), bytes(300_000, 1));
    assertExact(clone.resolve("backup-two.bin"), bytes(5_000, 2));
    for (TestObject o : data.get("goes")) {
      assertExact(
          clone.resolve("goes").resolve(o.key().substring(o.key().lastIndexOf('/') + 1)), o);
    }
    assertThat(TestFiles.regularFiles(clone.resolve("logs")))
        .containsExactly("2021-01/b.gz", "2021-02/d.gz");
    for (TestObject o : data.get("logs")) {
      if (o.key().startsWith("logs/2021-") && o.key().endsWith(".gz")) {
        assertExact(clone.resolve(o.key()), o);
      }
    }
    // --include '*.parquet' first, then everything through the cache.
    for (TestObject o : data.get("data")) {
      assertExact(clone.resolve(o.key()), o);
    }
    assertThat(home.resolve(".cache/retriever/objects")).isDirectory();
  }

  private static void assertExact(Path file, TestObject o) throws Exception {
    assertThat(file).as(o.key()).isRegularFile();
    assertThat(Files.size(file)).as(o.key()).isEqualTo(o.size());
    assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
  }

  private static void assertExact(Path file, byte[] bytes) throws Exception {
    assertThat(file).isRegularFile();
    assertThat(Files.size(file)).isEqualTo(bytes.length);
    assertThat(TestData.sha256(file)).isEqualTo(TestData.sha256(bytes));
  }

  private static byte[] bytes(int size, long seed) throws IOException {
    return TestData.randomStream(size, seed).readAllBytes();
  }

  private static String read(Path out, String name) throws IOException {
    return Files.readString(out.resolve(name), StandardCharsets.UTF_8);
  }

  /** Returns every command's output, for a failure's message. */
  private static String outputs(Path out) throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(out)) {
      for (Path file : files.sorted().toList()) {
        all.append("\n--- ").append(file.getFileName()).append('\n').append(Files.readString(file));
      }
    }
    return all.toString();
  }
}
