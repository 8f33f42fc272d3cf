package io.retriever.cli;

import static io.retriever.cli.Cli.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: exit 1 (2 for usage), one clear line on stderr, nothing half written. */
@ExtendWith(LocalS3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCliTest {
  private LocalS3 s3;

  @BeforeAll
  void fill(LocalS3 s3) {
    this.s3 = s3;
    s3.createBucket("bad-cli");
    s3.putRandom("bad-cli", "dir/file.bin", 5000);
  }

  private static void assertOneLineFailure(Cli.Result r, int exitCode, String... phrases) {
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(exitCode);
    assertThat(r.stderr().strip()).doesNotContain("\n").startsWith("retriever: ").contains(phrases);
  }

  @Test
  void get_malformedUri_isAUsageError_exit2(@TempDir Path dir) throws Exception {
    assertOneLineFailure(
        Cli.run(s3, at(s3, "get", "bad-cli/dir/", dir.toString())),
        2,
        "malformed S3 URI",
        "s3://bucket/key-or-prefix",
        "'retriever get --help' lists the options");
  }

  @Test
  void get_missingBucket_exit1(@TempDir Path dir) throws Exception {
    assertOneLineFailure(
        Cli.run(s3, at(s3, "get", "s3://no-such-bucket/x", dir.toString())),
        1,
        "bucket 'no-such-bucket' does not exist");
  }

  @Test
  void get_missingKey_exit1(@TempDir Path dir) throws Exception {
    assertOneLineFailure(
        Cli.run(s3, at(s3, "get", "s3://bad-cli/dir/nope.bin", dir.toString())),
        1,
        "no object or prefix at s3://bad-cli/dir/nope.bin",
        "retriever ls s3://bad-cli/dir/");
  }

  @Test
  void get_wrongCredentials_exit1(@TempDir Path dir) throws Exception {
    assertOneLineFailure(
        Cli.run("AKNOTAKEY", "not-the-secret", at(s3, "get", "s3://bad-cli/dir/", dir.toString())),
        1,
        "access denied",
        "credentials");
  }

  @Test
  void get_endpointNotAnswering_exit1(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    assertOneLineFailure(
        Cli.run(
            s3,
            "get",
            "s3://bad-cli/dir/",
            dir.toString(),
            "--endpoint-url",
            "http://127.0.0.1:" + port,
            "--region",
            "us-east-1",
            "--path-style"),
        1,
        "cannot reach http://127.0.0.1:" + port);
  }

  @Test
  void get_destinationNotWritable_exit1(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertOneLineFailure(
        Cli.run(s3, at(s3, "get", "s3://bad-cli/dir/", file.resolve("sub").toString())),
        1,
        "cannot create directory",
        "writable");
  }

  @Test
  void get_prefixToAFile_exit1(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "keep");
    assertOneLineFailure(
        Cli.run(s3, at(s3, "get", "s3://bad-cli/dir/", file.toString())),
        1,
        "is a file",
        "give a directory");
    assertThat(file).hasContent("keep");
  }

  @Test
  void get_existingFile_keptUnlessOverwrite(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("file.bin"), "keep");
    assertOneLineFailure(
        Cli.run(s3, at(s3, "get", "s3://bad-cli/dir/file.bin", file.toString())),
        1,
        "already exists",
        "--overwrite");
    assertThat(file).hasContent("keep");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
    Cli.Result r =
        Cli.run(
            s3, at(s3, "get", "s3://bad-cli/dir/file.bin", file.toString(), "--overwrite", "-q"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(file).hasSize(5000);
  }

  @Test
  void get_fileWrittenFromAnotherObject_isRefusedWithoutOverwrite(@TempDir Path dir)
      throws Exception {
    TestObject one = s3.putRandom("bad-cli", "m-0001.bin", 3000);
    TestObject two = s3.putRandom("bad-cli", "m-0002.bin", 4000);
    String keep = dir.resolve("keep.bin").toString();
    assertThat(Cli.run(s3, at(s3, "get", "s3://bad-cli/m-0001.bin", keep)).exitCode()).isZero();
    assertOneLineFailure(
        Cli.run(s3, at(s3, "get", "s3://bad-cli/m-0002.bin", keep)),
        1,
        keep
            + " already exists and is not a copy of s3://bad-cli/m-0002.bin that Retriever"
            + " wrote; to replace it, allow overwriting (--overwrite)");
    assertThat(TestData.sha256(Path.of(keep))).isEqualTo(one.sha256());
    // The same object again is up to date; with --overwrite the other one replaces it.
    assertThat(Cli.run(s3, at(s3, "get", "s3://bad-cli/m-0001.bin", keep)).exitCode()).isZero();
    assertThat(
            Cli.run(s3, at(s3, "get", "s3://bad-cli/m-0002.bin", keep, "--overwrite")).exitCode())
        .isZero();
    assertThat(TestData.sha256(Path.of(keep))).isEqualTo(two.sha256());
  }

  @Test
  void get_thatFails_leavesNoEmptyDestinationBehind(@TempDir Path dir) throws Exception {
    s3.put("bad-cli", "only-bad/bell\u0001.bin", new byte[] {7});
    Path dest = dir.resolve("new").resolve("deeper");
    Cli.Result r = Cli.run(s3, at(s3, "get", "s3://bad-cli/only-bad/", dest.toString()));
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
    assertThat(r.stderr()).contains("control character");
    assertThat(dir.resolve("new")).doesNotExist();
  }

  @Test
  void get_invalidOptionValues_areUsageErrors_exit2(@TempDir Path dir) throws Exception {
    for (String size : new String[] {"0", "-8MiB", "2TiB"}) {
      assertOneLineFailure(
          Cli.run(s3, at(s3, "get", "s3://bad-cli/dir/", dir.toString(), "--chunk-size", size)),
          2,
          "retriever: --chunk-size: chunk size must be between 64 KiB and 1 GiB",
          "'retriever get --help' lists the options");
    }
    assertOneLineFailure(
        Cli.run(s3, at(s3, "get", "s3://bad-cli/dir/", dir.toString(), "--max-memory", "1MiB")),
        2,
        "retriever: --max-memory: ",
        "at least one chunk");
    assertOneLineFailure(
        Cli.run(s3, at(s3, "get", "s3://bad-cli/dir/", dir.toString(), "--max-memory", "1KiB")),
        2,
        "retriever: --max-memory: memory budget must be between 64 KiB and 64 GiB");
    assertOneLineFailure(
        Cli.run(s3, at(s3, "get", "s3://bad-cli/dir/", dir.toString(), "-c", "0")),
        2,
        "retriever: --concurrency: concurrency must be between 1 and 1024");
    assertOneLineFailure(
        Cli.run(s3, at(s3, "get", "s3://bad-cli/dir/", dir.toString(), "--concurrency", "-1")),
        2,
        "concurrency must be between 1 and 1024");
    assertOneLineFailure(
        Cli.run(s3, at(s3, "get", "s3://bad-cli/dir/", dir.toString(), "--bogus")),
        2,
        "retriever: unknown option '--bogus'; 'retriever get --help' lists the options");
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void get_unreadableSizeOrMissingArgument_exit2(@TempDir Path dir) throws Exception {
    Cli.Result r =
        Cli.run(s3, at(s3, "get", "s3://bad-cli/dir/", dir.toString(), "--chunk-size", "lots"));
    assertOneLineFailure(r, 2, "'lots' is not a size");
    assertThat(Cli.run(s3, "get", "s3://bad-cli/dir/").exitCode()).isEqualTo(2);
    assertThat(Cli.run(s3).exitCode()).isEqualTo(2);
  }
}
