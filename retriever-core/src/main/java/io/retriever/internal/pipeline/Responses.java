package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;
import io.retriever.internal.s3.S3Access;
import java.io.IOException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Checks that a GET's response is what was asked for: the status, the length, the range and the
 * version. Anything else is a fault of that response, fetched again like a cut connection, never
 * data.
 */
final class Responses {
  private Responses() {}

  /** A response that is not what was asked for: a fault of that response, to be retried. */
  static final class UnexpectedResponse extends IOException {
    private static final long serialVersionUID = 1L;

    UnexpectedResponse(String message) {
      super(message + "; not using it");
    }
  }

  /** Checks the status, the length and, for a ranged GET, the whole {@code Content-Range}. */
  static void check(
      ChunkTask task, GetObjectResponse response, boolean whole, long first, long last)
      throws UnexpectedResponse {
    String uri = task.object().uri();
    int status = response.sdkHttpResponse().statusCode();
    if (status != (whole ? 200 : 206)) {
      throw new UnexpectedResponse(
          "server answered HTTP "
              + status
              + " to a "
              + (whole ? "whole" : "ranged")
              + " GET of "
              + uri);
    }
    long expected = last - first + 1;
    Long length = response.contentLength();
    if (length != null && length != expected) {
      throw new UnexpectedResponse(
          "server sent " + length + " bytes of " + uri + " where " + expected + " were asked for");
    }
    if (whole) {
      return;
    }
    String range = response.contentRange();
    String want = "bytes " + first + "-" + last + "/" + task.object().size();
    if (range == null || !range.equals(want)) {
      throw new UnexpectedResponse(
          "server answered range '"
              + range
              + "' of "
              + uri
              + " where '"
              + want
              + "' was asked for");
    }
  }

  /**
   * Checks that the response is of the version that was listed: S3 honours {@code If-Match}, but a
   * store or a cache in between that does not must not mix another version's bytes in.
   */
  static void checkVersion(ChunkTask task, GetObjectResponse response) throws UnexpectedResponse {
    String listed = task.object().eTag();
    String got = response.eTag();
    if (!S3Access.sameETag(listed, got)) {
      throw new UnexpectedResponse(
          "server sent "
              + task.object().uri()
              + " with ETag "
              + got
              + " where "
              + listed
              + " was listed (another version)");
    }
  }
}
