package io.retriever.spark.internal;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.spark.SparkDownloadOptions;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The ListObjectsV2 requests of the driver's plan, on an S3 client of its own.
 *
 * <p>Only the driver's plan uses it, for the first level of the prefix with the delimiter (a few
 * pages, bounded); the listing tasks list their ranges with the core's {@code
 * Retriever.list(bucket, prefix, startAfter)}, which checks every page.
 *
 * <p>Thread safety: the client is thread-safe.
 */
public final class S3Listing implements AutoCloseable {
  private final S3Client client;
  private final String endpointName;

  /** Builds a client from {@code options}. */
  public S3Listing(SparkDownloadOptions options) {
    this.client = client(options, 16);
    this.endpointName = options.endpoint() != null ? options.endpoint() : "S3";
  }

  /**
   * Returns an S3 client on the SDK's Apache HTTP client for {@code options}: their endpoint,
   * region, path style and credentials (the SDK's default chain unless they are given).
   */
  static S3Client client(SparkDownloadOptions options, int maxConnections) {
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClient(
                ApacheHttpClient.builder()
                    .maxConnections(maxConnections)
                    .connectionTimeout(Duration.ofSeconds(5))
                    .socketTimeout(Duration.ofSeconds(30))
                    .build())
            .forcePathStyle(options.pathStyle());
    builder.credentialsProvider(
        options.anonymous() ? AnonymousCredentialsProvider.create() : credentials(options));
    String region = region(options);
    if (region != null) {
      builder.region(Region.of(region));
    }
    if (options.endpoint() != null) {
      builder.endpointOverride(URI.create(options.endpoint()));
    } else {
      builder.crossRegionAccessEnabled(true);
    }
    return builder.build();
  }

  /**
   * Returns the credentials {@code options} name: static ones, a profile's, or the SDK's default
   * chain (environment, profile, container, instance role).
   */
  static AwsCredentialsProvider credentials(SparkDownloadOptions options) {
    if (options.accessKeyId() != null) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(options.accessKeyId(), options.secretAccessKey()));
    }
    if (options.profile() != null) {
      return ProfileCredentialsProvider.create(options.profile());
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /**
   * Returns the region {@code options} set, else their profile's, else null (the SDK's region
   * chain).
   */
  static String region(SparkDownloadOptions options) {
    if (options.region() != null || options.profile() == null) {
      return options.region();
    }
    try {
      return DefaultAwsRegionProviderChain.builder()
          .profileName(options.profile())
          .build()
          .getRegion()
          .id();
    } catch (SdkClientException e) {
      return null;
    }
  }

  /**
   * Sends one ListObjectsV2 request. Keys are asked for URL-encoded (the SDK decodes them): raw, a
   * key holding a control character makes the whole page unreadable.
   *
   * @param token the continuation token, or {@code null} for the first page
   * @param delimiter rolls keys up into common prefixes, or {@code null}
   * @param startAfter lists only keys after this one, or {@code null}
   * @throws RetrieverException that names the bucket, if the listing fails
   */
  public ListObjectsV2Response page(
      String bucket, String prefix, String token, String delimiter, String startAfter) {
    ListObjectsV2Request.Builder request =
        ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).encodingType(EncodingType.URL);
    if (token != null) {
      request.continuationToken(token);
    } else if (startAfter != null) {
      request.startAfter(startAfter);
    }
    if (delimiter != null) {
      request.delimiter(delimiter);
    }
    try {
      return client.listObjectsV2(request.build());
    } catch (NoSuchBucketException e) {
      throw new RetrieverException(
          Reason.NO_SUCH_BUCKET,
          "bucket '" + bucket + "' does not exist at " + endpointName + "; check its name",
          e);
    } catch (S3Exception e) {
      Reason reason =
          e.statusCode() == 403
              ? Reason.ACCESS_DENIED
              : e.statusCode() == 404 ? Reason.NO_SUCH_BUCKET : Reason.SERVER;
      throw new RetrieverException(
          reason,
          "cannot list s3://" + bucket + "/" + prefix + " at " + endpointName + ": " + message(e),
          e);
    } catch (SdkClientException e) {
      if (String.valueOf(e.getMessage()).startsWith("Unable to load credentials")) {
        throw new RetrieverException(
            Reason.ACCESS_DENIED,
            "no AWS credentials were found to list s3://"
                + bucket
                + "/"
                + prefix
                + "; give them (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an"
                + " instance role), or send unsigned requests (--no-sign-request) for a public"
                + " bucket",
            e);
      }
      throw new RetrieverException(
          Reason.UNREACHABLE,
          "cannot reach "
              + endpointName
              + " to list s3://"
              + bucket
              + "/"
              + prefix
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static String message(S3Exception e) {
    return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
        ? e.awsErrorDetails().errorMessage() + " (" + e.statusCode() + ")"
        : "status " + e.statusCode();
  }

  @Override
  public void close() {
    client.close();
  }
}
