package io.retriever;

import java.util.regex.Pattern;

/**
 * An {@code s3://bucket/key} address. The key may be empty (the whole bucket) or end in {@code /}
 * (a prefix).
 *
 * @param bucket the bucket name
 * @param key the key or prefix, without a leading slash; may be empty
 */
public record S3Uri(String bucket, String key) {
  private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

  /**
   * Parses {@code s3://bucket/key}.
   *
   * @throws RetrieverException with reason {@code INVALID} and a message that shows the expected
   *     form, if {@code uri} is not such an address
   */
  public static S3Uri parse(String uri) {
    if (uri == null || !uri.startsWith("s3://")) {
      throw malformed(uri, "it must start with s3://");
    }
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String key = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw malformed(uri, "the bucket name is missing");
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw malformed(uri, "'" + bucket + "' is not a valid bucket name");
    }
    return new S3Uri(bucket, key);
  }

  /** Returns whether this address names a prefix: an empty key or one ending in {@code /}. */
  public boolean isPrefix() {
    return key.isEmpty() || key.endsWith("/");
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key;
  }

  private static RetrieverException malformed(String uri, String why) {
    return new RetrieverException(
        RetrieverException.Reason.INVALID,
        "malformed S3 URI '" + uri + "': " + why + " (expected s3://bucket/key-or-prefix)");
  }
}
