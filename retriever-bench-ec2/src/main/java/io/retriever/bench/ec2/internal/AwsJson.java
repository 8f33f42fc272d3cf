package io.retriever.bench.ec2.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * One call of an AWS JSON 1.1 API (the Price List API, Service Quotas), signed by the SDK's SigV4
 * signer and sent through the SDK's HTTP client: the SDK's service modules for these two APIs are
 * not available from the project's Maven registry, and two read-only calls need nothing else.
 *
 * <p>Thread safety: thread-safe; the HTTP client is the caller's and stays open.
 */
public final class AwsJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final URI endpoint;
  private final String signingName;
  private final String signingRegion;
  private final String targetPrefix;

  /**
   * @param endpoint where to send the calls
   * @param signingName the service's name in signatures, e.g. {@code pricing}
   * @param targetPrefix the prefix of {@code X-Amz-Target}, e.g. {@code AWSPriceListService}
   */
  public AwsJson(
      SdkHttpClient http,
      AwsCredentialsProvider credentials,
      URI endpoint,
      String signingName,
      String signingRegion,
      String targetPrefix) {
    this.http = http;
    this.credentials = credentials;
    this.endpoint = endpoint;
    this.signingName = signingName;
    this.signingRegion = signingRegion;
    this.targetPrefix = targetPrefix;
  }

  /** An error the service answered, with its code (e.g. {@code AccessDeniedException}). */
  public static final class CallFailed extends RuntimeException {
    private final String code;

    CallFailed(String code, String message) {
      super(code + ": " + message);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /**
   * Calls {@code operation} with {@code body} and returns the answer.
   *
   * @throws CallFailed when the service answers with an error
   * @throws UncheckedIOException when it cannot be reached
   */
  public JsonNode call(String operation, JsonNode body) {
    byte[] payload;
    try {
      payload = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(endpoint.resolve("/"))
            .putHeader("Content-Type", "application/x-amz-json-1.1")
            .putHeader("X-Amz-Target", targetPrefix + "." + operation)
            .build();
    SignedRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(credentials.resolveCredentials())
                        .request(request)
                        .payload(ContentStreamProvider.fromByteArray(payload))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, signingRegion));
    try {
      HttpExecuteResponse response =
          http.prepareRequest(
                  HttpExecuteRequest.builder()
                      .request(signed.request())
                      .contentStreamProvider(signed.payload().orElse(null))
                      .build())
              .call();
      JsonNode answer;
      try (InputStream in =
          response
              .responseBody()
              .map(InputStream.class::cast)
              .orElse(InputStream.nullInputStream())) {
        byte[] bytes = in.readAllBytes();
        answer = bytes.length == 0 ? JSON.createObjectNode() : parse(bytes, response);
      }
      if (!response.httpResponse().isSuccessful()) {
        String type = answer.path("__type").asText("HTTP " + response.httpResponse().statusCode());
        String message = answer.path("message").asText(answer.path("Message").asText(""));
        throw new CallFailed(type.substring(type.lastIndexOf('#') + 1), message);
      }
      return answer;
    } catch (IOException e) {
      throw new UncheckedIOException(endpoint + " cannot be reached: " + e.getMessage(), e);
    }
  }

  private static JsonNode parse(byte[] bytes, HttpExecuteResponse response) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      // Not JSON: an error page of something else than the service.
      if (response.httpResponse().isSuccessful()) {
        throw new CallFailed("NotJson", "the answer is not JSON");
      }
      return JSON.createObjectNode();
    }
  }

  /** Returns a JSON object for a request body. */
  public static com.fasterxml.jackson.databind.node.ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** Parses JSON text, e.g. a price list entry, which the Price List API sends as a string. */
  public static JsonNode parse(String text) {
    try {
      return JSON.readTree(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
