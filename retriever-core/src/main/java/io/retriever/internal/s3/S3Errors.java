package io.retriever.internal.s3;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.internal.Fixes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns what the SDK throws into one-line {@link RetrieverException}s that name the object and say
 * what to do. Never includes credentials or signed URLs: only bucket, key, status and S3's error
 * code and message.
 */
public final class S3Errors {
  private S3Errors() {}

  /**
   * Describes a failure of a request about {@code what} (an {@code s3://} address).
   *
   * @param endpoint the endpoint in use, for messages about reaching it
   */
  public static RetrieverException describe(
      Throwable error, String bucket, String what, String endpoint) {
    if (error instanceof RetrieverException r) {
      return r;
    }
    if (error instanceof S3Exception s3) {
      return describeS3(s3, bucket, what);
    }
    if (error instanceof SdkClientException
        || error instanceof IOException
        || error instanceof UncheckedIOException) {
      Throwable root = rootCause(error);
      if (root instanceof ConnectException
          || root instanceof UnknownHostException
          || root instanceof NoRouteToHostException) {
        return new RetrieverException(
            Reason.UNREACHABLE,
            "cannot reach "
                + endpoint
                + " ("
                + root.getClass().getSimpleName()
                + ": "
                + oneLine(root.getMessage())
                + "); check the endpoint ("
                + Fixes.ENDPOINT
                + ") and the network",
            error);
      }
      if (root instanceof SocketTimeoutException) {
        return new RetrieverException(
            Reason.UNREACHABLE,
            "timed out talking to "
                + endpoint
                + " while fetching "
                + what
                + "; check the endpoint and your network",
            error);
      }
      if (root instanceof SSLException) {
        return new RetrieverException(
            Reason.UNREACHABLE,
            endpoint
                + " does not answer TLS ("
                + oneLine(root.getMessage())
                + "); if it serves plain HTTP, give its endpoint ("
                + Fixes.ENDPOINT
                + ") with http://",
            error);
      }
      if (noCredentials(error)) {
        return new RetrieverException(
            Reason.ACCESS_DENIED,
            "no AWS credentials were found; give them ("
                + Fixes.CREDENTIALS
                + "), or use anonymous access ("
                + Fixes.ANONYMOUS
                + ") for a public bucket",
            error);
      }
      return new RetrieverException(
          Reason.SERVER,
          "transfer of " + what + " failed: " + oneLine(root.getMessage()) + "; try again",
          error);
    }
    return new RetrieverException(
        Reason.SERVER,
        "download of "
            + what
            + " failed: "
            + error.getClass().getSimpleName()
            + ": "
            + oneLine(error.getMessage()),
        error);
  }

  /** Describes a bucket that does not exist. */
  public static RetrieverException noSuchBucket(String bucket, Throwable cause) {
    return new RetrieverException(
        Reason.NO_SUCH_BUCKET,
        "bucket '"
            + bucket
            + "' does not exist; check its name, the region ("
            + Fixes.REGION
            + ") and the endpoint ("
            + Fixes.ENDPOINT
            + ")",
        cause);
  }

  private static RetrieverException describeS3(S3Exception e, String bucket, String what) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    String detail = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    int status = e.statusCode();
    if ("NoSuchBucket".equals(code)) {
      return noSuchBucket(bucket, e);
    }
    // The SDK makes up an error code for an answer without a body (HEAD): the headers tell.
    if (!answeredLikeS3(e)) {
      return new RetrieverException(
          Reason.UNREACHABLE,
          "the endpoint answered HTTP "
              + status
              + " about "
              + what
              + " without any of S3's headers: it does not look like an S3 API;"
              + " check the endpoint ("
              + Fixes.ENDPOINT
              + ")",
          e);
    }
    if (status == 404) {
      return new RetrieverException(
          Reason.NOT_FOUND, "no object at " + what + "; check the key", e);
    }
    if (status == 403
        || "InvalidAccessKeyId".equals(code)
        || "SignatureDoesNotMatch".equals(code)) {
      return new RetrieverException(
          Reason.ACCESS_DENIED,
          "access denied to "
              + what
              + " ("
              + (code == null ? "HTTP 403" : code)
              + "); check the credentials ("
              + Fixes.CREDENTIALS
              + ") and their permissions, or use anonymous access ("
              + Fixes.ANONYMOUS
              + ") for a public bucket",
          e);
    }
    if (status == 412) {
      return new RetrieverException(
          Reason.CHANGED,
          what
              + " changed while it was downloading (its ETag no longer matches);"
              + " nothing was kept, run the download again",
          e);
    }
    if (status == 301
        || "PermanentRedirect".equals(code)
        || "AuthorizationHeaderMalformed".equals(code)) {
      return new RetrieverException(
          Reason.INVALID,
          "bucket '" + bucket + "' is in another region; give its region (" + Fixes.REGION + ")",
          e);
    }
    return new RetrieverException(
        Reason.SERVER,
        "S3 refused "
            + what
            + ": HTTP "
            + status
            + (code == null ? "" : " " + code)
            + (detail == null ? "" : " (" + oneLine(detail) + ")"),
        e);
  }

  /** Returns whether a failed request may succeed when sent again. */
  public static boolean retryable(Throwable error) {
    if (error instanceof S3Exception s3) {
      return s3.statusCode() >= 500 || s3.statusCode() == 429;
    }
    if (error instanceof SdkClientException
        || error instanceof IOException
        || error instanceof UncheckedIOException) {
      Throwable root = rootCause(error);
      return !(root instanceof UnknownHostException)
          && !(root instanceof SSLException)
          && !noCredentials(error);
    }
    return false;
  }

  /** Returns whether a request failed because no byte came for the stall timeout. */
  public static boolean timedOut(Throwable error) {
    return rootCause(error) instanceof SocketTimeoutException;
  }

  /** Returns whether the SDK failed because no credentials provider had any. */
  private static boolean noCredentials(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      if (message != null && message.startsWith("Unable to load credentials")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns whether an error response came from something that speaks S3: S3 and the stores that
   * imitate it send a request id header ({@code x-amz-request-id}, or moto's {@code
   * x-amzn-requestid}) with every answer, which a web server in S3's place does not.
   */
  static boolean answeredLikeS3(S3Exception e) {
    if (e.requestId() != null || e.extendedRequestId() != null) {
      return true;
    }
    return e.awsErrorDetails() != null
        && e.awsErrorDetails().sdkHttpResponse() != null
        && e.awsErrorDetails().sdkHttpResponse().headers().keySet().stream()
            .anyMatch(name -> name.toLowerCase(Locale.ROOT).startsWith("x-amz"));
  }

  /**
   * Names the innermost cause of a failure in one line: its class, and its message's first line.
   */
  public static String rootCauseLine(Throwable error) {
    Throwable root = rootCause(error);
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + oneLine(root.getMessage()));
  }

  private static Throwable rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "no detail";
    }
    int newline = s.indexOf('\n');
    return newline < 0 ? s : s.substring(0, newline);
  }
}
