package io.retriever.bench.run;

import io.retriever.testkit.TestObject;
import java.net.URI;
import java.util.List;

/**
 * Where a benchmark downloads from.
 *
 * @param endpoint the S3 endpoint, or null for AWS
 * @param region the region
 * @param bucket the bucket
 * @param prefix the prefix of the objects
 * @param accessKey the access key, or null for the default chain (or anonymous)
 * @param secretKey the secret key, or null
 * @param anonymous send unsigned requests
 * @param expected the objects and their SHA-256 when generated, else null (then the runs are
 *     checked against each other)
 */
public record Target(
    URI endpoint,
    String region,
    String bucket,
    String prefix,
    String accessKey,
    String secretKey,
    boolean anonymous,
    List<TestObject> expected) {

  /** Returns {@code s3://bucket/prefix}. */
  public String uri() {
    return "s3://" + bucket + "/" + prefix;
  }
}
