package io.retriever.internal.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.endpoints.AwsEndpointAttribute;
import software.amazon.awssdk.awscore.endpoints.authscheme.EndpointAuthScheme;
import software.amazon.awssdk.awscore.endpoints.authscheme.SigV4AuthScheme;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.protocol.MarshallLocation;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/*
 * Why it exists: a GET through the S3Client runs some thirty stages per request (interceptors,
 * endpoint and auth-scheme resolution, metrics, timeouts, retries, unmarshalling), which measured
 * three times the client CPU per small object of what the request needs. Here a GET is built from
 * the same pieces the client uses, each once per bucket where it can be: the client's endpoint
 * provider gives the URL and the signing region, the client's credentials provider the identity,
 * the SDK's SigV4 signer signs, the same HTTP client sends it. The response's headers are read
 * into a GetObjectResponse through the SDK's own description of that response (its header fields).
 *
 * The SDK keeps everything else: any answer but 200 or 206, any failure to send, and any bucket
 * whose endpoint is not plain SigV4 (S3 Express, access points with SigV4a) goes to the S3Client,
 * which then sends the request again and makes of the answer the exception or the response it
 * always has. A bucket whose lean GETs were answered otherwise than the client's (a redirect to
 * another region) uses the client from then on. When the store pushes back (5xx, 429), every GET
 * goes through the client for two seconds, so that its retries and back-off apply as they always
 * have and the concurrency governor sees the 503s that outlast them.
 */
/**
 * Sends GETs for object bytes with the SDK's signer and HTTP client directly, falling back to the
 * {@link S3Client} for every answer that is not the bytes.
 *
 * <p>Thread safety: all methods may be called concurrently.
 */
final class LeanGets {
  private static final Logger LOG = LoggerFactory.getLogger(LeanGets.class);

  /**
   * The header fields of a GET's response that are read, as the SDK's model describes them. Dates
   * (Last-Modified, Expires) are not: no check needs them, and parsing one costs more than reading
   * every other header (the listing gives an object's modification time).
   */
  private static final Set<MarshallingType<?>> READ_TYPES =
      Set.of(
          MarshallingType.STRING,
          MarshallingType.LONG,
          MarshallingType.INTEGER,
          MarshallingType.BOOLEAN);

  /**
   * The header fields of a GET's response that this reads, as the SDK's model describes them, by
   * header name in lower case: a response's dozen headers are looked up here, rather than the
   * model's seventy fields in the response.
   */
  private static final Map<String, SdkField<?>> HEADER_FIELDS =
      GetObjectResponse.builder().sdkFields().stream()
          .filter(f -> f.location() == MarshallLocation.HEADER)
          .filter(f -> READ_TYPES.contains(f.marshallingType()))
          .collect(
              Collectors.toUnmodifiableMap(
                  f -> f.locationName().toLowerCase(Locale.ROOT), f -> f, (a, b) -> a));

  /** Where a bucket's objects are and how requests to them are signed. */
  private record Target(URI base, String signingName, String signingRegion) {}

  /** Marks a bucket whose GETs go through the client. */
  private static final Target CLIENT_ONLY = new Target(null, null, null);

  private final SdkHttpClient http;
  private final IdentityProvider<? extends AwsCredentialsIdentity> identities;
  private final boolean anonymous;
  private final S3EndpointProvider endpoints;
  private final Region region;
  private final String endpointOverride;
  private final boolean pathStyle;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final Map<String, Target> targets = new ConcurrentHashMap<>();

  /** How long GETs go through the client after the store answered 5xx or 429. */
  private static final long PAUSE_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** Until when (System.nanoTime) GETs go through the client. */
  private volatile long pausedUntil = System.nanoTime();

  /**
   * Returns the lean path for a client built by {@link S3Clients} with {@code http}, or null when
   * its configuration is not one this path knows how to follow.
   */
  static LeanGets of(S3Client client, SdkHttpClient http, boolean pathStyle, boolean anonymous) {
    S3ServiceClientConfiguration config = client.serviceClientConfiguration();
    S3EndpointProvider endpoints =
        config.endpointProvider().orElse(null) instanceof S3EndpointProvider p
            ? p
            : S3EndpointProvider.defaultProvider();
    if (config.region() == null || (!anonymous && config.credentialsProvider() == null)) {
      return null;
    }
    return new LeanGets(
        http,
        config.credentialsProvider(),
        anonymous,
        endpoints,
        config.region(),
        config.endpointOverride().map(URI::toString).orElse(null),
        pathStyle);
  }

  private LeanGets(
      SdkHttpClient http,
      IdentityProvider<? extends AwsCredentialsIdentity> identities,
      boolean anonymous,
      S3EndpointProvider endpoints,
      Region region,
      String endpointOverride,
      boolean pathStyle) {
    this.http = http;
    this.identities = identities;
    this.anonymous = anonymous;
    this.endpoints = endpoints;
    this.region = region;
    this.endpointOverride = endpointOverride;
    this.pathStyle = pathStyle;
  }

  /**
   * Sends the GET and returns its bytes when it is answered 200 or 206; returns null when the
   * client must send it instead (its answer then is what the client makes of it). A GET sent here
   * that the client sends again is counted as a request of the current thread's download.
   */
  ResponseInputStream<GetObjectResponse> get(
      String bucket, String key, Map<String, String> headers) {
    Target target = targets.computeIfAbsent(bucket, this::target);
    if (target == CLIENT_ONLY || System.nanoTime() - pausedUntil < 0) {
      return null;
    }
    HttpExecuteResponse response;
    try {
      SdkHttpFullRequest.Builder request =
          SdkHttpFullRequest.builder()
              .method(SdkHttpMethod.GET)
              .uri(
                  URI.create(
                      target.base()
                          + (target.base().getRawPath().endsWith("/") ? "" : "/")
                          + SdkHttpUtils.urlEncodeIgnoreSlashes(key)));
      headers.forEach(request::putHeader);
      response =
          http.prepareRequest(HttpExecuteRequest.builder().request(sign(request, target)).build())
              .call();
    } catch (IOException | RuntimeException e) {
      LOG.debug("lean GET of s3://{}/{} failed to send ({}); the client sends it", bucket, key, e);
      S3Clients.countResent();
      return null;
    }
    SdkHttpResponse answer = response.httpResponse();
    Optional<AbortableInputStream> body = response.responseBody();
    if ((answer.statusCode() != 200 && answer.statusCode() != 206) || body.isEmpty()) {
      body.ifPresent(AbortableInputStream::abort);
      LOG.debug(
          "lean GET of s3://{}/{} answered HTTP {}; the client sends it",
          bucket,
          key,
          answer.statusCode());
      if (answer.statusCode() / 100 == 3 || answer.statusCode() == 400) {
        // A redirect, or a region the client's cross-region access finds: it knows, this does not.
        targets.put(bucket, CLIENT_ONLY);
      } else if (answer.statusCode() >= 500 || answer.statusCode() == 429) {
        // The store pushes back: the client's retries and back-off take every GET for a while.
        pausedUntil = System.nanoTime() + PAUSE_NANOS;
      }
      S3Clients.countResent();
      return null;
    }
    return new ResponseInputStream<>(read(answer), body.get());
  }

  private SdkHttpFullRequest sign(SdkHttpFullRequest.Builder request, Target target) {
    if (anonymous) {
      return request.build();
    }
    AwsCredentialsIdentity identity = identities.resolveIdentity().join();
    SdkHttpFullRequest unsigned = request.build();
    return (SdkHttpFullRequest)
        signer
            .sign(
                r ->
                    r.identity(identity)
                        .request(unsigned)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, target.signingName())
                        .putProperty(AwsV4HttpSigner.REGION_NAME, target.signingRegion())
                        // S3 signs paths as they are sent: encoded once, never normalised.
                        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false))
            .request();
  }

  /** Resolves where a bucket's objects are and how to sign for them, once per bucket. */
  private Target target(String bucket) {
    try {
      S3EndpointParams.Builder params =
          S3EndpointParams.builder().bucket(bucket).region(region).forcePathStyle(pathStyle);
      if (endpointOverride != null) {
        params.endpoint(endpointOverride);
      }
      Endpoint endpoint = endpoints.resolveEndpoint(params.build()).join();
      List<EndpointAuthScheme> schemes = endpoint.attribute(AwsEndpointAttribute.AUTH_SCHEMES);
      if (schemes == null || schemes.isEmpty()) {
        return anonymous ? new Target(endpoint.url(), "s3", region.id()) : CLIENT_ONLY;
      }
      if (schemes.get(0) instanceof SigV4AuthScheme v4
          && (v4.disableDoubleEncoding() || !v4.isDisableDoubleEncodingSet())) {
        return new Target(
            endpoint.url(),
            v4.signingName() != null ? v4.signingName() : "s3",
            v4.signingRegion() != null ? v4.signingRegion() : region.id());
      }
      return CLIENT_ONLY;
    } catch (CompletionException | IllegalArgumentException | UncheckedIOException e) {
      LOG.debug("no lean GETs for bucket {}: {}", bucket, e.toString());
      return CLIENT_ONLY;
    }
  }

  /** Reads the response's headers into the SDK's response, as its model names them. */
  private static GetObjectResponse read(SdkHttpResponse http) {
    GetObjectResponse.Builder builder = GetObjectResponse.builder();
    http.forEachHeader(
        (name, values) -> {
          SdkField<?> field = HEADER_FIELDS.get(name.toLowerCase(Locale.ROOT));
          if (field == null || values.isEmpty()) {
            return;
          }
          Object parsed = parse(field.marshallingType(), values.get(0));
          if (parsed != null) {
            field.set(builder, parsed);
          }
        });
    builder.sdkHttpResponse(http);
    return builder.build();
  }

  private static Object parse(MarshallingType<?> type, String value) {
    try {
      if (type == MarshallingType.STRING) {
        return value;
      }
      if (type == MarshallingType.LONG) {
        return Long.parseLong(value.trim());
      }
      if (type == MarshallingType.INTEGER) {
        return Integer.parseInt(value.trim());
      }
      return Boolean.parseBoolean(value.trim());
    } catch (RuntimeException e) {
      // A header the SDK would refuse to read is left out; the checks that need it fail closed.
      return null;
    }
  }
}
