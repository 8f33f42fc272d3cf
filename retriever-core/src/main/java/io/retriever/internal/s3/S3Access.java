package io.retriever.internal.s3;

import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.internal.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.GetObjectAttributesParts;
import software.amazon.awssdk.services.s3.model.GetObjectAttributesResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectAttributes;
import software.amazon.awssdk.services.s3.model.ObjectPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Retriever's only door to S3: one {@link S3Client}, built from the settings (or the caller's), and
 * the three requests a download needs.
 *
 * <p>Thread safety: all methods may be called concurrently; the SDK client is thread-safe.
 */
public final class S3Access implements AutoCloseable {
  /** The region used when none is configured and none can be resolved. */
  private static final Region FALLBACK_REGION = Region.US_EAST_1;

  private final S3Client client;
  private final boolean ownsClient;
  private final boolean verify;

  private final String endpointName;

  public S3Access(Settings settings) {
    this.verify = settings.verify();
    if (settings.client() != null) {
      this.client = settings.client();
      this.ownsClient = false;
      this.endpointName = "the S3 endpoint";
    } else {
      this.client = build(settings);
      this.ownsClient = true;
      URI endpoint = endpoint(settings);
      this.endpointName = endpoint != null ? endpoint.toString() : "S3";
    }
  }

  private static S3Client build(Settings settings) {
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClientBuilder(
                ApacheHttpClient.builder()
                    // Enough connections for every worker, plus listing and HEADs beside them.
                    .maxConnections(settings.concurrency() + 16)
                    .connectionTimeout(Duration.ofSeconds(5))
                    // A read that waits this long for a byte has stalled: it fails and is retried
                    // on a new connection.
                    .socketTimeout(settings.stallTimeout())
                    .tcpKeepAlive(true))
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
  private static URI endpoint(Settings settings) {
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
   * Where the current thread's download counts its requests: the SDK's own retries of a call made
   * on this thread are added to it, so that a summary counts every request sent. Null (the default)
   * counts nowhere.
   */
  private static final ThreadLocal<AtomicLong> REQUESTS = new ThreadLocal<>();

  /** Marks an execution whose first attempt has been sent. */
  private static final ExecutionAttribute<Boolean> SENT =
      new ExecutionAttribute<>("io.retriever.sent");

  /**
   * Makes the current thread add the SDK's retries to {@code requests} (which counts each call
   * once). The SDK's synchronous client sends every attempt of a call on the calling thread.
   */
  public static void countRequestsIn(AtomicLong requests) {
    REQUESTS.set(requests);
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

  /** Returns the endpoint in use, for messages. */
  public String endpointName() {
    return endpointName;
  }

  /** Returns the object's metadata, or fails with a message that names it. */
  public ObjectInfo head(String bucket, String key) {
    HeadObjectResponse r;
    try {
      r =
          client.headObject(
              b -> {
                b.bucket(bucket).key(key);
                if (verify) {
                  b.checksumMode(ChecksumMode.ENABLED);
                }
              });
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && S3Errors.answeredLikeS3(e) && !bucketExists(bucket)) {
        throw S3Errors.noSuchBucket(bucket, e);
      }
      throw describe(e, bucket, key);
    } catch (RuntimeException e) {
      throw describe(e, bucket, key);
    }
    return new ObjectInfo(
        bucket,
        key,
        r.contentLength(),
        r.eTag(),
        r.lastModified(),
        checksumAlgorithm(r),
        r.checksumTypeAsString());
  }

  /** Returns the algorithm of the checksum a HEAD in checksum mode showed, or null. */
  private static String checksumAlgorithm(HeadObjectResponse r) {
    return r.checksumCRC32C() != null
        ? "CRC32C"
        : r.checksumCRC32() != null
            ? "CRC32"
            : r.checksumCRC64NVME() != null
                ? "CRC64NVME"
                : r.checksumSHA256() != null ? "SHA256" : r.checksumSHA1() != null ? "SHA1" : null;
  }

  /**
   * The CRCs S3 keeps for an object: one for the whole, or one per part of a multipart upload.
   *
   * @param algorithm {@code CRC32}, {@code CRC32C} or {@code CRC64NVME}
   * @param partSizes the size of each part in order; one part, the whole object, for a full-object
   *     checksum
   * @param values the CRC of each part (unsigned), or null for a hash
   * @param hash the whole object's SHA-1 or SHA-256, or null for CRCs
   */
  public record ExpectedCrcs(String algorithm, long[] partSizes, long[] values, byte[] hash) {}

  /**
   * Returns a HEAD in checksum mode of this version of the object, or null when it fails or the
   * object's checksum is a composite one.
   */
  private HeadObjectResponse fullObjectChecksums(ObjectInfo object) {
    HeadObjectResponse r;
    try {
      r =
          client.headObject(
              b -> {
                b.bucket(object.bucket()).key(object.key()).checksumMode(ChecksumMode.ENABLED);
                if (object.eTag() != null) {
                  b.ifMatch(object.eTag());
                }
              });
    } catch (RuntimeException e) {
      return null;
    }
    // A checksum is of the whole object only when the store says so, or, when it says nothing, for
    // an object uploaded in one part: a multipart upload's checksum without a stated type is a
    // checksum of its parts' checksums, whatever its form.
    boolean fullObject =
        r.checksumType() == null
            ? !isMultipart(object.eTag())
            : r.checksumType() == ChecksumType.FULL_OBJECT;
    return fullObject ? r : null;
  }

  /** Returns whether an ETag is that of a multipart upload ({@code "...-N"}). */
  public static boolean isMultipart(String eTag) {
    return eTag != null && eTag.replace("\"", "").matches(".*-[0-9]+");
  }

  /**
   * Returns the object's full-object SHA-1 or SHA-256, asked for with a HEAD in checksum mode, or
   * null when it has none (or a composite one) or the HEAD fails.
   */
  public ExpectedCrcs fullObjectHash(ObjectInfo object) {
    HeadObjectResponse r = fullObjectChecksums(object);
    if (r == null) {
      return null;
    }
    String value =
        "SHA256".equals(object.checksumAlgorithm()) ? r.checksumSHA256() : r.checksumSHA1();
    if (value == null) {
      return null;
    }
    try {
      return new ExpectedCrcs(
          object.checksumAlgorithm(),
          new long[] {object.size()},
          null,
          Base64.getDecoder().decode(value));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Returns the CRC of each part of a multipart object, from GetObjectAttributes, or null when it
   * cannot be had (no such checksum, the object changed, the request failed).
   */
  public ExpectedCrcs partCrcs(ObjectInfo object) {
    List<Long> sizes = new ArrayList<>();
    List<Long> values = new ArrayList<>();
    String algorithm = object.checksumAlgorithm();
    Integer marker = null;
    try {
      while (true) {
        Integer from = marker;
        GetObjectAttributesResponse r =
            client.getObjectAttributes(
                b -> {
                  b.bucket(object.bucket())
                      .key(object.key())
                      .objectAttributes(ObjectAttributes.OBJECT_PARTS)
                      .maxParts(1000);
                  if (from != null) {
                    b.partNumberMarker(from);
                  }
                });
        if (r.eTag() != null
            && object.eTag() != null
            && !object.eTag().replace("\"", "").equals(r.eTag().replace("\"", ""))) {
          return null;
        }
        GetObjectAttributesParts parts = r.objectParts();
        if (parts == null || !parts.hasParts() || parts.parts().isEmpty()) {
          return null;
        }
        for (ObjectPart part : parts.parts()) {
          String value =
              switch (algorithm) {
                case "CRC32" -> part.checksumCRC32();
                case "CRC32C" -> part.checksumCRC32C();
                case "CRC64NVME" -> part.checksumCRC64NVME();
                default -> null;
              };
          ExpectedCrcs crc = value == null ? null : crc(algorithm, value);
          if (crc == null || part.size() == null) {
            return null;
          }
          sizes.add(part.size());
          values.add(crc.values()[0]);
        }
        if (!Boolean.TRUE.equals(parts.isTruncated())) {
          break;
        }
        marker = parts.nextPartNumberMarker();
      }
    } catch (RuntimeException e) {
      return null;
    }
    return new ExpectedCrcs(
        algorithm,
        sizes.stream().mapToLong(Long::longValue).toArray(),
        values.stream().mapToLong(Long::longValue).toArray(),
        null);
  }

  /**
   * Returns the object's full-object CRC-32, CRC-32C or CRC-64/NVME, asked for with a HEAD in
   * checksum mode, or null when it has none of those (no checksum, a composite one of a multipart
   * upload, another algorithm) or the HEAD fails.
   */
  public ExpectedCrcs fullObjectCrc(ObjectInfo object) {
    HeadObjectResponse r = fullObjectChecksums(object);
    if (r == null) {
      return null;
    }
    if (r.checksumCRC32C() != null) {
      return whole(object, crc("CRC32C", r.checksumCRC32C()));
    }
    if (r.checksumCRC32() != null) {
      return whole(object, crc("CRC32", r.checksumCRC32()));
    }
    if (r.checksumCRC64NVME() != null) {
      return whole(object, crc("CRC64NVME", r.checksumCRC64NVME()));
    }
    return null;
  }

  /**
   * Returns the full-object CRC-64/NVME a whole GET in checksum mode came with (unsigned, in a
   * long), or null. The SDK does not check this one without the CRT library.
   */
  public static Long crc64Nvme(GetObjectResponse response) {
    String value = response.checksumCRC64NVME();
    ExpectedCrcs crc = value == null ? null : crc("CRC64NVME", value);
    return crc == null ? null : crc.values()[0];
  }

  private static ExpectedCrcs whole(ObjectInfo object, ExpectedCrcs crc) {
    return crc == null
        ? null
        : new ExpectedCrcs(crc.algorithm(), new long[] {object.size()}, crc.values(), null);
  }

  private static ExpectedCrcs crc(String algorithm, String base64) {
    try {
      byte[] b = Base64.getDecoder().decode(base64);
      if (b.length != (algorithm.equals("CRC64NVME") ? 8 : 4)) {
        return null;
      }
      long value = 0;
      for (byte x : b) {
        value = (value << 8) | (x & 0xFFL);
      }
      return new ExpectedCrcs(algorithm, null, new long[] {value}, null);
    } catch (IllegalArgumentException e) {
      return null; // "...-N": a composite checksum
    }
  }

  /** Returns whether the bucket exists (a HEAD on it answers anything but 404). */
  public boolean bucketExists(String bucket) {
    try {
      client.headBucket(b -> b.bucket(bucket));
      return true;
    } catch (S3Exception e) {
      return e.statusCode() != 404;
    } catch (RuntimeException e) {
      return true;
    }
  }

  /**
   * Sends one ListObjectsV2 request: the page after {@code continuationToken} (the first page when
   * null). Keys are asked for URL-encoded, which the SDK decodes: raw, a key holding a control
   * character makes the XML unreadable and with it every other key of the page.
   */
  public ListObjectsV2Response listPage(String bucket, String prefix, String continuationToken) {
    ListObjectsV2Request.Builder request =
        ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).encodingType(EncodingType.URL);
    if (continuationToken != null) {
      request.continuationToken(continuationToken);
    }
    return client.listObjectsV2(request.build());
  }

  /**
   * Sends a GET for {@code [offset, end]} of the object, or for the whole object when {@code range}
   * is null, on condition that its ETag still matches.
   */
  public ResponseInputStream<GetObjectResponse> get(ObjectInfo object, String range) {
    return get(object, range, Map.of());
  }

  /** Sends a GET as {@link #get(ObjectInfo, String)} does, with extra headers, which are signed. */
  public ResponseInputStream<GetObjectResponse> get(
      ObjectInfo object, String range, Map<String, String> headers) {
    GetObjectRequest.Builder request =
        GetObjectRequest.builder().bucket(object.bucket()).key(object.key());
    if (!headers.isEmpty()) {
      request.overrideConfiguration(o -> headers.forEach(o::putHeader));
    }
    if (object.eTag() != null) {
      request.ifMatch(object.eTag());
    }
    if (range != null) {
      request.range(range);
    } else if (verify && !isMultipart(object.eTag())) {
      // Whole objects come with their checksum (if they have one), which the SDK then checks. A
      // multipart upload's may be a checksum of its parts' checksums, which a store need not
      // label as such: checking it against the bytes would call good bytes corrupt.
      request.checksumMode(ChecksumMode.ENABLED);
    }
    return client.getObject(request.build());
  }

  /** Describes a failure about {@code s3://bucket/key}. */
  public RetrieverException describe(Throwable error, String bucket, String key) {
    return S3Errors.describe(error, bucket, "s3://" + bucket + "/" + key, endpointName);
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }
}
