package io.retriever.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Another S3 implementation than S3Proxy, for behaviour that differs between stores: {@code moto}
 * in server mode ({@code moto_server}, with the machine's Python), started on a free port of
 * 127.0.0.1 and stopped by {@link #close}. Its credentials are accepted whatever they are.
 *
 * <p>Thread safety: start and close from one thread; the endpoint may be used from any.
 */
public final class MotoServer implements AutoCloseable {
  /** The region every client of it uses. */
  public static final String REGION = "us-east-1";

  private final Process process;
  private final URI endpoint;
  private final Path log;

  private MotoServer(Process process, int port, Path log) {
    this.process = process;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
    this.log = log;
  }

  /**
   * Starts {@code moto_server} and waits until it answers.
   *
   * @throws IllegalStateException when {@code moto_server} is not installed or does not start
   */
  public static MotoServer start() throws IOException, InterruptedException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path log = Files.createTempFile("moto-server", ".log");
    Process process;
    try {
      process =
          new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", String.valueOf(port))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "moto_server is not installed (it comes with the machine's Python 3.11 and moto 5)", e);
    }
    MotoServer server = new MotoServer(process, port, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!server.answers()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        server.close();
        throw new IllegalStateException(
            "moto_server did not start on port " + port + ": " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    return server;
  }

  private boolean answers() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private int port() {
    return endpoint.getPort();
  }

  /** Returns the server's address. */
  public URI endpoint() {
    return endpoint;
  }

  /** Returns an S3 client of the AWS SDK for it, path-style, signing with dummy credentials. */
  public S3Client newS3Client() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.of(REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(5)))
        .build();
  }

  @Override
  public void close() throws InterruptedException, IOException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Files.deleteIfExists(log);
  }
}
