package io.retriever.bench.ec2.internal;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The AWS clients of one run, built alike: one region (IAM: its partition's global endpoint), one
 * endpoint (when given, for every client, IAM's included), one credentials provider, the Apache
 * HTTP client, and the same interceptors.
 *
 * <p>Thread safety: the clients are thread-safe; close once.
 */
public final class Clients implements AutoCloseable {
  private final Ec2Client ec2;
  private final SsmClient ssm;
  private final IamClient iam;
  private final S3Client s3;
  private final String region;
  private final URI endpoint;
  private final List<ExecutionInterceptor> interceptors;
  private final StsClient sts;
  private final AwsCredentialsProvider credentials;
  private final SdkHttpClient http;

  /**
   * @param endpoint the endpoint of every client, or null for AWS's own
   * @param credentials the credentials, or null for the default chain
   * @param interceptors added to every client, in this order
   */
  public Clients(
      String region,
      URI endpoint,
      AwsCredentialsProvider credentials,
      List<ExecutionInterceptor> interceptors) {
    this.region = region;
    this.endpoint = endpoint;
    this.interceptors = List.copyOf(interceptors);
    this.ec2 = configure(Ec2Client.builder(), region, endpoint, credentials, interceptors).build();
    this.ssm = configure(SsmClient.builder(), region, endpoint, credentials, interceptors).build();
    // IAM is global within a partition: its endpoint is the partition's, whatever the region.
    this.iam =
        configure(
                IamClient.builder(),
                Partition.of(region).iamRegion().id(),
                endpoint,
                credentials,
                interceptors)
            .build();
    this.sts = configure(StsClient.builder(), region, endpoint, credentials, interceptors).build();
    this.credentials =
        credentials != null ? credentials : DefaultCredentialsProvider.builder().build();
    this.http =
        ApacheHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(30))
            .build();
    this.s3 =
        configure(S3Client.builder(), region, endpoint, credentials, interceptors)
            .forcePathStyle(endpoint != null)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .build();
  }

  private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
      B builder,
      String region,
      URI endpoint,
      AwsCredentialsProvider credentials,
      List<ExecutionInterceptor> interceptors) {
    builder.region(Region.of(region));
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (credentials != null) {
      builder.credentialsProvider(credentials);
    }
    ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder();
    interceptors.forEach(override::addExecutionInterceptor);
    builder.overrideConfiguration(override.build());
    builder.httpClientBuilder(
        ApacheHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60)));
    return builder;
  }

  public Ec2Client ec2() {
    return ec2;
  }

  public SsmClient ssm() {
    return ssm;
  }

  public IamClient iam() {
    return iam;
  }

  public S3Client s3() {
    return s3;
  }

  /**
   * Returns a new S3 client that does not sign, as a public bucket is read; the caller closes it.
   */
  public S3Client newAnonymousS3() {
    return configure(
            S3Client.builder(),
            region,
            endpoint,
            AnonymousCredentialsProvider.create(),
            interceptors)
        .forcePathStyle(endpoint != null)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .build();
  }

  public StsClient sts() {
    return sts;
  }

  /** Returns the credentials every client signs with. */
  public AwsCredentialsProvider credentials() {
    return credentials;
  }

  /** Returns an HTTP client for calls of APIs without an SDK client here ({@link AwsJson}). */
  public SdkHttpClient http() {
    return http;
  }

  @Override
  public void close() {
    ec2.close();
    ssm.close();
    iam.close();
    s3.close();
    sts.close();
    http.close();
  }
}
