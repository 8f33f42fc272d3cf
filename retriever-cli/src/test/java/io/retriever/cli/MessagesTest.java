package io.retriever.cli;

import static io.retriever.cli.Cli.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.retriever.DownloadRequest;
import io.retriever.Retriever;
import io.retriever.RetrieverException;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of failure a new user meets says what happened and what to do next, in the words of the
 * layer that says it: the command line names flags, the library its builder methods. Retrying is
 * suggested only where it can help.
 */
@ExtendWith(LocalS3Extension.class)
class MessagesTest {
  private static HttpServer notS3;
  private final LocalS3 s3;

  MessagesTest(LocalS3 s3) {
    this.s3 = s3;
    s3.createBucket("msgs");
    s3.put("msgs", "k.bin", new byte[] {1, 2, 3});
  }

  @BeforeAll
  static void startAWebServer() throws Exception {
    notS3 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    notS3.createContext(
        "/",
        exchange -> {
          byte[] page = "<html>Not Found</html>".getBytes();
          exchange.sendResponseHeaders(404, page.length);
          exchange.getResponseBody().write(page);
          exchange.close();
        });
    notS3.start();
  }

  @AfterAll
  static void stopIt() {
    notS3.stop(0);
  }

  private static String webServer() {
    return "http://127.0.0.1:" + notS3.getAddress().getPort();
  }

  @Test
  void endpointThatIsNoS3_saysSo(@TempDir Path dir) throws Exception {
    Cli.Result r =
        Cli.run(
            s3,
            "get",
            "s3://msgs/k.bin",
            dir.toString(),
            "--endpoint-url",
            webServer(),
            "--region",
            "us-east-1",
            "--path-style");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr().strip())
        .isEqualTo(
            "retriever: the endpoint answered HTTP 404 about s3://msgs/k.bin without any of S3's"
                + " headers: it does not look like an S3 API; check the endpoint (--endpoint-url)");
  }

  @Test
  void noCredentials_sayWhatToSet(@TempDir Path dir) throws Exception {
    Cli.Result r = Cli.run(Map.of(), at(s3, "get", "s3://msgs/k.bin", dir.toString()));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr().strip())
        .isEqualTo(
            "retriever: no AWS credentials were found; give them (AWS_ACCESS_KEY_ID and"
                + " AWS_SECRET_ACCESS_KEY, or --profile), or use anonymous access"
                + " (--no-sign-request) for a public bucket");
  }

  @Test
  void httpsToAPlainHttpPort_saysToUseHttp(@TempDir Path dir) throws Exception {
    String https = "https://127.0.0.1:" + s3.endpoint().getPort();
    Cli.Result r =
        Cli.run(
            s3,
            "get",
            "s3://msgs/k.bin",
            dir.toString(),
            "--endpoint-url",
            https,
            "--region",
            "us-east-1",
            "--path-style");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr().strip())
        .isEqualTo(
            "retriever: "
                + https
                + " does not answer TLS (Unsupported or unrecognized SSL message); if it serves"
                + " plain HTTP, give its endpoint (--endpoint-url) with http://");
  }

  @Test
  void missingBucket_namesFlagsOnTheCommandLine(@TempDir Path dir) throws Exception {
    Cli.Result r = Cli.run(s3, at(s3, "get", "s3://no-such-bucket/k", dir.toString()));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr().strip())
        .isEqualTo(
            "retriever: bucket 'no-such-bucket' does not exist; check its name, the region"
                + " (--region) and the endpoint (--endpoint-url)");
  }

  @Test
  void libraryErrors_nameBuilderMethods_notFlags(@TempDir Path dir) throws Exception {
    try (Retriever retriever =
        Retriever.builder()
            .endpoint(URI.create(webServer()))
            .region("us-east-1")
            .credentials("a", "b")
            .pathStyle(true)
            .build()) {
      assertThatThrownBy(
              () -> retriever.toDirectory(DownloadRequest.key("msgs", "k.bin"), dir).await())
          .isInstanceOf(RetrieverException.class)
          .hasMessageContaining("check the endpoint (Retriever.Builder.endpoint)")
          .hasMessageNotContaining("--");
    }
    try (Retriever retriever = s3.retriever().build()) {
      assertThatThrownBy(
              () -> retriever.toDirectory(DownloadRequest.key("no-such-bucket", "k"), dir).await())
          .hasMessage(
              "bucket 'no-such-bucket' does not exist; check its name, the region"
                  + " (Retriever.Builder.region) and the endpoint (Retriever.Builder.endpoint)");
    }
  }
}
