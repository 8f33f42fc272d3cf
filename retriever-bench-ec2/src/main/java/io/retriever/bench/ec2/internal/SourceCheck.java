package io.retriever.bench.ec2.internal;

import io.retriever.S3Uri;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Checks, before anything is created, the buckets a run reads and writes: that each exists and is
 * in the run's region (the instances run where the data lives, and their clients ask that region),
 * and measures the source: its objects and bytes, which size the time limit and the volumes, and
 * the KMS keys its objects are encrypted with, which the instances' role must be able to use.
 *
 * <p>Thread safety: confined to one thread.
 */
public final class SourceCheck {
  /** The most pages of the source's listing read: a million objects. */
  static final int MAX_PAGES = 1000;

  /** How many objects' encryption is looked at, spread over the listing. */
  static final int SAMPLES = 10;

  private final String region;
  private final List<String> problems;

  /** What the source holds. */
  public record Facts(long bytes, long objects, List<String> kmsKeys) {}

  /**
   * @param problems where each problem found is added, one line naming the resource
   */
  public SourceCheck(String region, List<String> problems) {
    this.region = region;
    this.problems = problems;
  }

  /**
   * Returns whether the bucket exists and is in the region, adding a problem when not.
   *
   * @param role what the bucket is to the run, e.g. "source bucket"
   */
  public boolean bucket(S3Client s3, String bucket, String role) {
    String where;
    try {
      where = s3.headBucket(b -> b.bucket(bucket)).bucketRegion();
    } catch (S3Exception e) {
      where =
          e.awsErrorDetails() == null
              ? null
              : e.awsErrorDetails()
                  .sdkHttpResponse()
                  .firstMatchingHeader("x-amz-bucket-region")
                  .orElse(null);
      if (where == null || where.equals(region)) {
        problems.add(
            switch (e.statusCode()) {
              case 404 -> role + " " + bucket + " does not exist: check its name";
              case 403 ->
                  role
                      + " "
                      + bucket
                      + " refuses the caller (403): the caller needs s3:ListBucket on it";
              default -> role + " " + bucket + ": " + e.getMessage();
            });
        return false;
      }
    } catch (SdkException e) {
      problems.add(role + " " + bucket + " cannot be reached: " + e.getMessage());
      return false;
    }
    if (where != null && !where.equals(region)) {
      problems.add(
          role
              + " "
              + bucket
              + " is in "
              + where
              + ", not "
              + region
              + ": the instances run where the data lives; pass --region "
              + where
              + " (or use a bucket in "
              + region
              + ")");
      return false;
    }
    return true;
  }

  /** Lists the source and looks at the encryption of a sample of its objects. */
  public Facts source(S3Client s3, S3Uri source) {
    long bytes = 0;
    long objects = 0;
    List<S3Object> sample = new ArrayList<>();
    try {
      Iterator<ListObjectsV2Response> pages =
          s3.listObjectsV2Paginator(b -> b.bucket(source.bucket()).prefix(source.key())).iterator();
      int page = 0;
      while (pages.hasNext()) {
        if (++page > MAX_PAGES) {
          problems.add(
              "source "
                  + source
                  + " holds more than "
                  + MAX_PAGES * 1000
                  + " objects: benchmark a narrower prefix");
          break;
        }
        for (S3Object o : pages.next().contents()) {
          if (o.key().endsWith("/") && o.size() == 0) {
            continue;
          }
          bytes += o.size();
          objects++;
          // Every object of the first page, then one in a thousand: spread, and bounded.
          if (sample.size() < SAMPLES * 100 && (page == 1 || objects % 1000 == 0)) {
            sample.add(o);
          }
        }
      }
    } catch (S3Exception e) {
      problems.add("source " + source + " cannot be listed: " + e.awsErrorDetails().errorMessage());
      return new Facts(0, 0, List.of());
    } catch (SdkException e) {
      problems.add("source " + source + " cannot be listed: " + e.getMessage());
      return new Facts(0, 0, List.of());
    }
    if (objects == 0) {
      problems.add("source " + source + " holds no objects: check the prefix");
    }
    TreeSet<String> keys = new TreeSet<>();
    int step = Math.max(1, sample.size() / SAMPLES);
    for (int i = 0; i < sample.size(); i += step) {
      String key = sample.get(i).key();
      try {
        HeadObjectResponse head = s3.headObject(b -> b.bucket(source.bucket()).key(key));
        if (head.ssekmsKeyId() != null
            && head.serverSideEncryptionAsString() != null
            && head.serverSideEncryptionAsString().startsWith("aws:kms")) {
          keys.add(head.ssekmsKeyId());
        }
      } catch (SdkException e) {
        problems.add(
            "source object s3://"
                + source.bucket()
                + "/"
                + key
                + " cannot be read: "
                + e.getMessage());
        break;
      }
    }
    return new Facts(bytes, objects, List.copyOf(keys));
  }
}
