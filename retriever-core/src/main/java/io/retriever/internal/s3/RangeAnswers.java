package io.retriever.internal.s3;

import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * What a right answer to a GET of an object's bytes is: the status (200 whole, 206 ranged), the
 * length, for a ranged GET the whole {@code Content-Range}, and the listed version's ETag. S3
 * honours {@code If-Match}, but a store or a cache in between that does not must not mix another
 * version's bytes in. Anything else is a fault of that response, fetched again, never data.
 */
public final class RangeAnswers {
  private RangeAnswers() {}

  /**
   * Returns what is wrong with {@code response} to a GET of bytes {@code first..last} (inclusive)
   * of an object of {@code size} bytes listed with {@code eTag} (null: unknown), or null when it is
   * what was asked for.
   *
   * @param whole whether the GET asked for the whole object (no {@code Range})
   */
  public static String problem(
      String uri,
      long size,
      String eTag,
      GetObjectResponse response,
      boolean whole,
      long first,
      long last) {
    int status = response.sdkHttpResponse().statusCode();
    if (status != (whole ? 200 : 206)) {
      return "server answered HTTP "
          + status
          + " to a "
          + (whole ? "whole" : "ranged")
          + " GET of "
          + uri;
    }
    long expected = last - first + 1;
    Long length = response.contentLength();
    if (length != null && length != expected) {
      return "server sent "
          + length
          + " bytes of "
          + uri
          + " where "
          + expected
          + " were asked for";
    }
    if (!whole) {
      String range = response.contentRange();
      String want = "bytes " + first + "-" + last + "/" + size;
      if (range == null || !range.equals(want)) {
        return "server answered range '"
            + range
            + "' of "
            + uri
            + " where '"
            + want
            + "' was asked for";
      }
    }
    if (!S3Access.sameETag(eTag, response.eTag())) {
      return "server sent "
          + uri
          + " with ETag "
          + response.eTag()
          + " where "
          + eTag
          + " was listed (another version)";
    }
    return null;
  }
}
