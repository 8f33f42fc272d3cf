package io.retriever.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code retriever-spark get} in this JVM, on the shared local Spark. Its executors take
 * credentials from the SDK's default chain, here the {@code aws.accessKeyId} system properties.
 */
@ExtendWith(LocalS3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkGetTest {
  private static final String BUCKET = "spark-get";

  private LocalS3 s3;
  private List<TestObject> objects;

  @BeforeAll
  void fill(LocalS3 s3) {
    this.s3 = s3;
    // Started first, so that the command finds the tests' session rather than making its own.
    SharedSpark.session();
    s3.createBucket(BUCKET);
    objects = s3.putMany(BUCKET, 50, 3000, i -> String.format("data/d%d/o-%03d", i % 3, i));
    System.setProperty("aws.accessKeyId", s3.accessKey());
    System.setProperty("aws.secretAccessKey", s3.secretKey());
  }

  @AfterAll
  void clearCredentials() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  @Test
  void get_prefix_exitsZeroAndEveryFileExact(@TempDir Path dir) throws IOException {
    Result result = run("s3://" + BUCKET + "/data/", dir.toString());

    assertThat(result.code).as(result.err).isZero();
    assertThat(result.out).startsWith("Downloaded 50 objects");
    for (TestObject o : objects) {
      assertThat(TestData.sha256(dir.resolve(o.key().substring(5)))).isEqualTo(o.sha256());
    }
  }

  @Test
  void get_multipartUploadNoCheckCovers_exitsZeroNamingItAsGetDoes(@TempDir Path dir)
      throws IOException {
    // 7 MiB parts, which the store (S3Proxy) does not state and no uploader uses by default.
    TestObject seven = s3.putRandomInParts(BUCKET, "odd/seven.bin", (14 << 20) + 1, 7 << 20);
    Result result = run("s3://" + BUCKET + "/odd/", dir.toString());

    assertThat(result.code).as(result.err).isZero();
    assertThat(TestData.sha256(dir.resolve("seven.bin"))).isEqualTo(seven.sha256());
    assertThat(result.out)
        .contains(
            "1 object unverified: s3://spark-get/odd/seven.bin (uploaded in 3 parts whose size the"
                + " store does not state");
  }

  @Test
  void get_missingBucket_exitsOneWithOneLine(@TempDir Path dir) {
    Result result = run("s3://no-such-bucket/data/", dir.toString());

    assertThat(result.code).isEqualTo(SparkGet.FAILURE);
    assertThat(result.err.lines().filter(l -> l.startsWith("retriever-spark:")))
        .containsExactly(
            "retriever-spark: bucket 'no-such-bucket' does not exist at "
                + s3.endpoint()
                + "; check its name");
  }

  @Test
  void get_badChunkSize_exitsTwo(@TempDir Path dir) {
    Result result = run("--chunk-size", "0", "s3://" + BUCKET + "/data/", dir.toString());

    assertThat(result.code).isEqualTo(SparkGet.USAGE);
    assertThat(result.err).containsIgnoringCase("chunk");
  }

  @Test
  void get_noCredentials_exitsOneSayingWhatToGive(@TempDir Path dir) {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    // No profile file either: the default chain finds nothing (the instance metadata is off).
    System.setProperty("aws.sharedCredentialsFile", dir.resolve("none").toString());
    System.setProperty("aws.configFile", dir.resolve("none").toString());
    try {
      Result result = run("s3://" + BUCKET + "/data/", dir.resolve("out").toString());

      assertThat(result.code).isEqualTo(SparkGet.FAILURE);
      assertThat(result.err.lines().filter(l -> l.startsWith("retriever-spark:")))
          .singleElement()
          .asString()
          .startsWith("retriever-spark: no AWS credentials were found")
          .contains("--no-sign-request");
    } finally {
      System.clearProperty("aws.sharedCredentialsFile");
      System.clearProperty("aws.configFile");
      System.setProperty("aws.accessKeyId", s3.accessKey());
      System.setProperty("aws.secretAccessKey", s3.secretKey());
    }
  }

  @Test
  void get_profile_signsWithItsCredentialsAndRegion(@TempDir Path dir) throws IOException {
    Path credentials = dir.resolve("credentials");
    Files.writeString(
        credentials,
        "[other]\naws_access_key_id = wrong\naws_secret_access_key = wrong\n\n[local]\n"
            + "aws_access_key_id = "
            + s3.accessKey()
            + "\naws_secret_access_key = "
            + s3.secretKey()
            + "\n");
    Path config = dir.resolve("config");
    Files.writeString(config, "[profile local]\nregion = " + s3.region() + "\n");
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    System.setProperty("aws.sharedCredentialsFile", credentials.toString());
    System.setProperty("aws.configFile", config.toString());
    try {
      Result result =
          run("--profile", "local", "s3://" + BUCKET + "/data/", dir.resolve("out").toString());

      assertThat(result.code).as(result.err).isZero();
      for (TestObject o : objects) {
        assertThat(TestData.sha256(dir.resolve("out").resolve(o.key().substring(5))))
            .isEqualTo(o.sha256());
      }
    } finally {
      System.clearProperty("aws.sharedCredentialsFile");
      System.clearProperty("aws.configFile");
      System.setProperty("aws.accessKeyId", s3.accessKey());
      System.setProperty("aws.secretAccessKey", s3.secretKey());
    }
  }

  private Result run(String... args) {
    String[] all = new String[args.length + 6];
    all[0] = "get";
    all[1] = "--endpoint-url=" + s3.endpoint();
    all[2] = "--region=" + s3.region();
    all[3] = "--path-style";
    all[4] = "--master";
    all[5] = "local[2,3]";
    System.arraycopy(args, 0, all, 6, args.length);
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      int code = SparkGet.run(all);
      return new Result(
          code,
          outBytes.toString(StandardCharsets.UTF_8),
          errBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private record Result(int code, String out, String err) {}
}
