package io.retriever.bench.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.FileOptions;
import io.retriever.Retriever;
import io.retriever.bench.profile.PipelineProbe;
import io.retriever.bench.profile.Sampler;
import io.retriever.options.TransferOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3BaseClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.CompletedDirectoryDownload;

/**
 * One benchmark run of one JVM implementation, in a process of its own so that its CPU and memory
 * are its own: downloads every object under a prefix into a directory and prints one JSON line with
 * what it did. The runner verifies the bytes afterwards.
 *
 * <p>Implementations: {@code retriever}; {@code getobject} (one plain GetObject per object, one
 * after another); {@code tm-java} and {@code tm-crt} (the AWS SDK's S3TransferManager on the Java
 * multipart client and on the CRT client); {@code retriever-lib} (Retriever through the library, no
 * hooks), {@code retriever-listener} (with a listener that overrides every hook point with an empty
 * body) and {@code retriever-hooks} (that listener plus a pass-through object and chunk
 * interceptor) and {@code retriever-headers} (the listener, the object interceptor and a
 * request-only chunk interceptor that adds a header), to measure what hooks cost.
 *
 * <p>{@code --downloads N} has a Retriever implementation download the prefix N times in a row with
 * one {@code Retriever}, each time over the files of the time before, as a long-lived service
 * would: the JVM's start-up and warm-up are then spread over N times the bytes.
 *
 * <p>{@code --samples-out FILE} has a Retriever implementation record its pipeline's gauges (from a
 * listener) to FILE every {@code --samples-interval} ms; the runner samples the process itself from
 * outside, so nothing else is sampled in here.
 */
@Command(name = "peer", description = "Runs one benchmark download (used by retriever bench).")
public final class PeerMain implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--impl", required = true)
  String impl;

  @Option(names = "--endpoint")
  URI endpoint;

  @Option(names = "--region", defaultValue = "us-east-1")
  String region;

  @Option(names = "--bucket", required = true)
  String bucket;

  @Option(names = "--prefix", defaultValue = "")
  String prefix;

  @Option(names = "--dest", required = true)
  Path dest;

  @Option(names = "--no-sign-request")
  boolean anonymous;

  /** The retriever command's own options (with its defaults), for the Retriever peers. */
  @Mixin TransferOptions transfer;

  @Option(names = "--downloads", defaultValue = "1")
  int downloads;

  @Option(names = "--samples-out")
  Path profile;

  @Option(names = "--samples-interval", defaultValue = "100")
  long profileMillis;

  public static void main(String[] args) {
    System.exit(new CommandLine(new PeerMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(dest);
    long started = System.nanoTime();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("impl", impl);
    switch (impl) {
      case "retriever", "retriever-lib" -> retriever(result, Retriever.builder());
      case "retriever-listener" ->
          retriever(result, Retriever.builder().addListener(new NoopHooks.Listener()));
      case "retriever-headers" ->
          retriever(
              result,
              Retriever.builder()
                  .addListener(new NoopHooks.Listener())
                  .addObjectInterceptor(NoopHooks.OBJECT)
                  .addChunkInterceptor(NoopHooks.HEADERS));
      case "retriever-hooks" ->
          retriever(
              result,
              Retriever.builder()
                  .addListener(new NoopHooks.Listener())
                  .addObjectInterceptor(NoopHooks.OBJECT)
                  .addChunkInterceptor(NoopHooks.CHUNK));
      case "getobject" -> getObjectLoop(result);
      case "tm-java" -> transferManager(javaMultipartClient(), result);
      case "tm-crt" -> transferManager(crtClient(), result);
      default ->
          throw new CommandLine.ParameterException(
              new CommandLine(this),
              "unknown implementation '"
                  + impl
                  + "': "
                  + String.join(", ", Implementations.BUILT_IN));
    }
    result.put("transfer_s", (System.nanoTime() - started) / 1e9);
    System.out.println(JSON.writeValueAsString(result));
    return 0;
  }

  private AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(
            System.getenv("AWS_ACCESS_KEY_ID"), System.getenv("AWS_SECRET_ACCESS_KEY")));
  }

  private void retriever(Map<String, Object> result, Retriever.Builder builder) throws IOException {
    builder.region(region).pathStyle(endpoint != null);
    if (endpoint != null) {
      builder.endpoint(endpoint);
    }
    if (anonymous) {
      builder.anonymous();
    }
    transfer.apply(builder);
    Duration interval = Duration.ofMillis(Math.max(10, profileMillis));
    PipelineProbe probe = new PipelineProbe();
    if (profile != null) {
      builder.addListener(probe).progressInterval(interval);
    }
    long objects = 0;
    long bytes = 0;
    long requests = 0;
    long retries = 0;
    DownloadSummary last = null;
    try (Sampler sampler =
            profile == null ? null : new Sampler(null, probe, interval, profile, System.err);
        Retriever retriever = transfer.build(builder)) {
      for (int i = 0; i < downloads; i++) {
        // Every download fetches every object again rather than finding the files up to date.
        FileOptions options =
            i == 0
                ? FileOptions.defaults()
                : FileOptions.defaults().withOverwrite(true).withResume(false);
        DownloadSummary s =
            retriever.toDirectory(DownloadRequest.prefix(bucket, prefix), dest, options).await();
        objects += s.objects();
        bytes += s.bytes();
        requests += s.requests();
        retries += s.retries();
        last = s;
      }
    }
    result.put("objects", objects);
    result.put("bytes", bytes);
    result.put("requests", requests);
    result.put("retries", retries);
    if (last != null) {
      result.put("objects_unverified", last.objectsUnverified());
      result.put("unverified", last.unverified());
      result.put("unverified_reasons", last.unverifiedReasons());
    }
  }

  private void getObjectLoop(Map<String, Object> result) throws Exception {
    S3ClientBuilder builder = configure(S3Client.builder());
    long objects = 0;
    long bytes = 0;
    long requests = 0;
    try (S3Client client = builder.build()) {
      for (var page : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
        requests++;
        for (S3Object o : page.contents()) {
          if (o.key().endsWith("/")) {
            continue;
          }
          Path file = dest.resolve(o.key().substring(prefix.length()));
          Files.createDirectories(file.getParent());
          client.getObject(b -> b.bucket(bucket).key(o.key()), ResponseTransformer.toFile(file));
          requests++;
          objects++;
          bytes += o.size();
        }
      }
    }
    result.put("objects", objects);
    result.put("bytes", bytes);
    result.put("requests", requests);
  }

  private S3AsyncClient javaMultipartClient() {
    return configure(S3AsyncClient.builder().multipartEnabled(true)).build();
  }

  /**
   * Points a plain SDK client builder at the target: region, credentials, endpoint with path-style
   * access, and checksums only where S3 requires them (as Retriever's own client has).
   */
  private <B extends S3BaseClientBuilder<B, ?>> B configure(B builder) {
    builder
        .region(Region.of(region))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(credentials());
    if (endpoint != null) {
      builder.endpointOverride(endpoint).forcePathStyle(true);
    }
    return builder;
  }

  private S3AsyncClient crtClient() {
    var builder =
        S3AsyncClient.crtBuilder()
            .region(Region.of(region))
            .credentialsProvider(credentials())
            .checksumValidationEnabled(false);
    if (endpoint != null) {
      builder.endpointOverride(endpoint).forcePathStyle(true);
    }
    return builder.build();
  }

  private void transferManager(S3AsyncClient client, Map<String, Object> result) {
    try (client;
        S3TransferManager tm = S3TransferManager.builder().s3Client(client).build()) {
      CompletedDirectoryDownload done =
          tm.downloadDirectory(
                  b ->
                      b.bucket(bucket)
                          .listObjectsV2RequestTransformer(l -> l.prefix(prefix))
                          .destination(dest))
              .completionFuture()
              .join();
      if (!done.failedTransfers().isEmpty()) {
        throw new IllegalStateException(
            done.failedTransfers().size()
                + " transfers failed, first: "
                + done.failedTransfers().get(0).exception());
      }
    }
  }
}
