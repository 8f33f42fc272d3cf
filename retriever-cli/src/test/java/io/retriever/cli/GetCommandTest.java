package io.retriever.cli;

import static io.retriever.cli.Cli.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code retriever get} and {@code ls} end to end, in a child process, bytes checked. */
@ExtendWith(LocalS3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GetCommandTest {
  private static final String BUCKET = "cli";
  private LocalS3 s3;
  private List<TestObject> set;
  private TestObject big;

  @BeforeAll
  void fill(LocalS3 s3) {
    this.s3 = s3;
    s3.createBucket(BUCKET);
    set = s3.putMany(BUCKET, 30, 10_000, i -> "set/" + (i % 3) + "/obj-" + i + ".bin");
    big = s3.putRandom(BUCKET, "big/blob.bin", 20 << 20);
  }

  @Test
  void get_prefixToDirectory_recreatesKeysBelowPrefix(@TempDir Path dir) throws Exception {
    Cli.Result r =
        Cli.run(
            s3, at(s3, "get", "s3://cli/set/", dir.toString(), "--json", "--chunk-size", "1MiB"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    for (TestObject o : set) {
      assertThat(TestData.sha256(dir.resolve(o.key().substring(4)))).isEqualTo(o.sha256());
    }
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("objects").asLong()).isEqualTo(set.size());
    assertThat(json.get("bytes").asLong()).isEqualTo(30 * 10_000L);
    assertThat(json.get("throughput_mibps").asDouble()).isPositive();
  }

  @Test
  void get_multipartUploadNoCheckCovers_exitsZeroNamingItAndWhy(@TempDir Path dir)
      throws Exception {
    // 7 MiB parts, which the store (S3Proxy) does not state and no uploader uses by default.
    TestObject seven = s3.putRandomInParts(BUCKET, "odd/seven.bin", (14 << 20) + 1, 7 << 20);
    Cli.Result r = Cli.run(s3, at(s3, "get", "s3://cli/odd/", dir.toString()));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(TestData.sha256(dir.resolve("seven.bin"))).isEqualTo(seven.sha256());
    assertThat(r.out() + r.stderr())
        .contains(
            "1 object unverified: s3://cli/odd/seven.bin (uploaded in 3 parts whose size the store"
                + " does not state");
  }

  @Test
  void get_prefixWithoutSlash_isTreatedAsPrefix(@TempDir Path dir) throws Exception {
    Cli.Result r = Cli.run(s3, at(s3, "get", "s3://cli/set", dir.toString(), "-q"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(dir.resolve("0/obj-0.bin")).exists();
  }

  @Test
  void get_keyToFile_writesThatFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("copy.bin");
    Cli.Result r =
        Cli.run(
            s3,
            at(
                s3,
                "get",
                "s3://cli/big/blob.bin",
                file.toString(),
                "--chunk-size",
                "1MiB",
                "-c",
                "8"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.out())
        .startsWith("Downloaded 1 object (20.0 MiB)")
        .doesNotContain("objects/s")
        .doesNotContainPattern("[^0-9,]1 requests");
    assertThat(TestData.sha256(file)).isEqualTo(big.sha256());
  }

  @Test
  void get_keyToDirectory_landsUnderBaseName(@TempDir Path dir) throws Exception {
    Cli.Result r = Cli.run(s3, at(s3, "get", "s3://cli/big/blob.bin", dir.toString(), "-q"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(TestData.sha256(dir.resolve("blob.bin"))).isEqualTo(big.sha256());

    Path slash = dir.resolve("new");
    r = Cli.run(s3, at(s3, "get", "s3://cli/big/blob.bin", slash + "/", "-q"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(TestData.sha256(slash.resolve("blob.bin"))).isEqualTo(big.sha256());
  }

  @Test
  void get_toStdout_readerStopsEarly_endsQuietlyWithTheBrokenPipeStatus() throws Exception {
    Process child =
        Cli.start(s3, at(s3, "get", "s3://cli/big/blob.bin", "-", "--chunk-size", "1MiB"));
    child.getOutputStream().close();
    byte[] first = child.getInputStream().readNBytes(10);
    child.getInputStream().close(); // as `| head -c 10` does
    assertThat(first).hasSize(10);
    assertThat(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isEqualTo(141);
    assertThat(new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void get_keyToStdout_streamsTheBytes() throws Exception {
    Cli.Result r = Cli.run(s3, at(s3, "get", "s3://cli/big/blob.bin", "-", "--chunk-size", "1MiB"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).hasSize((int) big.size());
    assertThat(TestData.sha256(r.stdout())).isEqualTo(big.sha256());
    assertThat(r.stderr()).startsWith("Downloaded 1 object (");
  }

  @Test
  void get_prefixToStdout_concatenatesInKeyOrder() throws Exception {
    Cli.Result r = Cli.run(s3, at(s3, "get", "s3://cli/set/1/", "-", "-q"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (TestObject o : set) {
      if (o.key().startsWith("set/1/")) {
        expected.writeBytes(Files.readAllBytes(download(o)));
      }
    }
    assertThat(TestData.sha256(r.stdout())).isEqualTo(TestData.sha256(expected.toByteArray()));
  }

  private Path download(TestObject o) throws Exception {
    Path file = Files.createTempFile("expected", ".bin");
    Files.delete(file);
    Cli.Result r = Cli.run(s3, at(s3, "get", "s3://cli/" + o.key(), file.toString(), "-q"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(TestData.sha256(file)).isEqualTo(o.sha256());
    return file;
  }

  @Test
  void get_prefixHoldingAControlCharacterKeyAndAFolderMarker_refusesTheKeyByNameAndGetsTheRest(
      @TempDir Path dir) throws Exception {
    s3.createBucket("odd-keys");
    List<TestObject> good =
        List.of(
            s3.putRandom("odd-keys", "d/a.bin", 5_000), s3.putRandom("odd-keys", "d/z.bin", 7_000));
    s3.put("odd-keys", "d/bell\u0001.bin", new byte[] {1, 2, 3});
    s3.put("odd-keys", "d/empty/", new byte[0]);
    Cli.Result r = Cli.run(s3, at(s3, "get", "s3://odd-keys/d/", dir.toString(), "-q"));
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
    assertThat(r.stderr()).contains("d/bell\\x01.bin").contains("control character");
    for (TestObject o : good) {
      Path file = dir.resolve(o.key().substring(2));
      assertThat(Files.size(file)).isEqualTo(o.size());
      assertThat(TestData.sha256(file)).isEqualTo(o.sha256());
    }
    assertThat(dir.resolve("empty")).isEmptyDirectory();
  }

  @Test
  void ls_prefix_listsKeysAndSizes() throws Exception {
    Cli.Result r = Cli.run(s3, at(s3, "ls", "s3://cli/set/2/", "--summarize"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(11);
    assertThat(lines.get(0))
        .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +10000 set/2/obj-\\d+\\.bin");
    assertThat(lines.get(10)).isEqualTo("Total: 10 objects, 97.7 KiB");

    r = Cli.run(s3, at(s3, "ls", "s3://cli/big/", "--json"));
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("key").asText()).isEqualTo("big/blob.bin");
    assertThat(json.get("size").asLong()).isEqualTo(big.size());
  }
}
