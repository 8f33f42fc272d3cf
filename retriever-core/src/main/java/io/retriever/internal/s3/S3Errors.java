package io.retriever.internal.s3;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
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
                + "); check --endpoint-url and your network",
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
        "bucket '" + bucket + "' does not exist; check its name, --region and --endpoint-url",
        cause);
  }

  private static RetrieverException describeS3(S3Exception e, String bucket, String what) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    String detail = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    int status = e.statusCode();
    if ("NoSuchBucket".equals(code)) {
      return noSuchBucket(bucket, e);
    }
    if (status == 404) {
      return new RetrieverException(
          Reason.NOT_FOUND, "no object at " + what + "; check the key (ls shows what is there)", e);
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
              + "); check your credentials (--profile, AWS_ACCESS_KEY_ID) and permissions,"
              + " or use --no-sign-request for a public bucket",
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
          "bucket '" + bucket + "' is in another region; pass its region with --region",
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
      return !(root instanceof UnknownHostException);
    }
    return false;
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
