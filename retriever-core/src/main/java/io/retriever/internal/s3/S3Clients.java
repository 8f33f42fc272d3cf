package io.retriever.internal.s3;

import io.retriever.internal.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds the {@link S3Client} Retriever uses when the caller gives none: its HTTP client sized for
 * the workers, its credentials, region and endpoint; and counts the SDK's own retries.
 *
 * <p>Thread safety: stateless but for a thread-local counter that each thread sets for itself.
 */
final class S3Clients {
  /** The region used when none is configured and none can be resolved. */
  private static final Region FALLBACK_REGION = Region.US_EAST_1;

  /**
   * Where the current thread's download counts its requests: the SDK's own retries of a call made
   * on this thread are added to it, so that a summary counts every request sent. Null (the default)
   * counts nowhere.
   */
  private static final ThreadLocal<AtomicLong> REQUESTS = new ThreadLocal<>();

  /** Marks an execution whose first attempt has been sent. */
  private static final ExecutionAttribute<Boolean> SENT =
      new ExecutionAttribute<>("io.retriever.sent");

  private S3Clients() {}

  /** Builds the HTTP client the S3 client and the lean GETs share; its owner closes it. */
  static SdkHttpClient http(Settings settings) {
    return ApacheHttpClient.builder()
        // Enough connections for every worker, plus listing and HEADs beside them.
        .maxConnections(settings.concurrency() + 16)
        .connectionTimeout(Duration.ofSeconds(5))
        // A read that waits this long for a byte has stalled: it fails and is retried on a new
        // connection.
        .socketTimeout(settings.stallTimeout())
        .tcpKeepAlive(true)
        .build();
  }

  /** Builds the S3 client the settings describe, on {@code http} (which it does not close). */
  static S3Client build(Settings settings, SdkHttpClient http) {
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClient(http)
            // Retriever checks lengths and ranges itself; per-request CRCs cost CPU for no gain on
            // GET.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .forcePathStyle(settings.pathStyle())
            .overrideConfiguration(o -> o.addExecutionInterceptor(new RetryCounter()));
    if (settings.anonymous()) {
      builder.credentialsProvider(AnonymousCredentialsProvider.create());
    } else if (settings.credentials() != null) {
      builder.credentialsProvider(settings.credentials());
    } else {
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    builder.region(settings.region() != null ? Region.of(settings.region()) : resolveRegion());
    URI endpoint = endpoint(settings);
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    } else {
      // A bucket in another region is found through its x-amz-bucket-region header.
      builder.crossRegionAccessEnabled(true);
    }
    return builder.build();
  }

  /** Returns the configured endpoint, else the one {@code AWS_ENDPOINT_URL} names, else null. */
  static URI endpoint(Settings settings) {
    if (settings.endpoint() != null) {
      return settings.endpoint();
    }
    String fromEnv = environmentEndpoint();
    return fromEnv == null ? null : URI.create(fromEnv);
  }

  private static String environmentEndpoint() {
    String s3 = System.getenv("AWS_ENDPOINT_URL_S3");
    String any = System.getenv("AWS_ENDPOINT_URL");
    return s3 != null && !s3.isBlank() ? s3 : any != null && !any.isBlank() ? any : null;
  }

  private static Region resolveRegion() {
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (RuntimeException e) {
      return FALLBACK_REGION;
    }
  }

  /**
   * Makes the current thread add the SDK's retries to {@code requests} (which counts each call
   * once). The SDK's synchronous client sends every attempt of a call on the calling thread.
   */
  static void countRequestsIn(AtomicLong requests) {
    REQUESTS.set(requests);
  }

  /** Counts one more request sent for the current thread's call: a lean GET the client resends. */
  static void countResent() {
    AtomicLong requests = REQUESTS.get();
    if (requests != null) {
      requests.incrementAndGet();
    }
  }

  /** Counts every attempt after the first of each call: the SDK's own retries. */
  private static final class RetryCounter implements ExecutionInterceptor {
    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
      if (executionAttributes.getAttribute(SENT) == null) {
        executionAttributes.putAttribute(SENT, Boolean.TRUE);
        return;
      }
      AtomicLong requests = REQUESTS.get();
      if (requests != null) {
        requests.incrementAndGet();
      }
    }
  }
}
