package io.retriever.bench.ec2.internal;

import io.retriever.S3Uri;

/**
 * Where a run keeps its files in S3, below {@code s3://bucket/prefix/RUN/}: the staged jar, a
 * signal per instance type to start measuring, and each type's results ending with {@code
 * done.json}, beside the status line and log its instance leaves on exit.
 *
 * @param bucket the results bucket
 * @param prefix the run's prefix, ending in {@code /}
 */
public record Layout(String bucket, String prefix) {

  /** Returns the layout of a run below a results location {@code s3://bucket/prefix}. */
  public static Layout of(String results, String runId) {
    S3Uri uri = S3Uri.parse(results);
    String base = uri.key().isEmpty() || uri.key().endsWith("/") ? uri.key() : uri.key() + "/";
    return new Layout(uri.bucket(), base + runId + "/");
  }

  /** Returns the layout of {@code s3://bucket/prefix/RUN/} itself. */
  public static Layout parse(String runResults) {
    S3Uri uri = S3Uri.parse(runResults);
    String key = uri.key().endsWith("/") ? uri.key() : uri.key() + "/";
    return new Layout(uri.bucket(), key);
  }

  public String uri() {
    return "s3://" + bucket + "/" + prefix;
  }

  public String jarKey() {
    return prefix + "retriever.jar";
  }

  public String goKey(String instanceType) {
    return prefix + "go/" + instanceType;
  }

  public String typePrefix(String instanceType) {
    return prefix + instanceType + "/";
  }

  public String doneKey(String instanceType) {
    return typePrefix(instanceType) + "done.json";
  }

  /** Returns the key of the line the instance's script leaves on exit: {@code ok} or why not. */
  public String statusKey(String instanceType) {
    return typePrefix(instanceType) + "status";
  }

  /** Returns the key of the log of the instance's script, uploaded on exit. */
  public String instanceLogKey(String instanceType) {
    return typePrefix(instanceType) + "instance.log";
  }

  public String resultsKey(String instanceType) {
    return typePrefix(instanceType) + "results.jsonl";
  }

  public String planKey() {
    return prefix + "plan.txt";
  }

  public String reportKey() {
    return prefix + "report.md";
  }
}
