package io.retriever.cli;

import io.retriever.DownloadRequest;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;

/**
 * Says that a source matched no object, as {@code aws s3 ls} and s5cmd do (exit 1), and which
 * {@code retriever ls} shows what is there instead, with the user's own store options.
 */
final class Listings {
  private Listings() {}

  /**
   * Returns the error for a {@code get} or {@code ls} of {@code request} that matched nothing.
   *
   * @param what what was asked for and found missing, e.g. "no objects under s3://b/p/"
   * @param anything whether anything at all is under the request's literal prefix (then its folder
   *     is worth listing; else the folder above it)
   */
  static RetrieverException nothingMatched(
      String what, S3Options s3, DownloadRequest request, boolean anything) {
    String folder = anything ? folderOf(request.prefix()) : parentOf(request.prefix());
    return new RetrieverException(
        Reason.NOT_FOUND, what + whatIsThere(s3, request.bucket(), folder));
  }

  /** Returns "; to see what is there: retriever ls s3://bucket/folder ..." with the options. */
  static String whatIsThere(S3Options s3, String bucket, String folder) {
    return "; to see what is there: " + s3.command("ls", "s3://" + bucket + "/" + folder);
  }

  /** Returns the folder a key or prefix is in: up to its last {@code /}. */
  static String folderOf(String key) {
    return key.substring(0, key.lastIndexOf('/') + 1);
  }

  /** Returns the folder above a prefix: {@code a/b/} for {@code a/b/c/} and for {@code a/b/c}. */
  static String parentOf(String prefix) {
    String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    return folderOf(trimmed);
  }
}
