package io.retriever.bench.ec2.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The permissions of one instance type's role: what {@code retriever bench} needs to read the
 * source the way a user's download does, and no more. It may list and read the source prefix with
 * the part checksums ({@code s3:GetObjectAttributes}, without which multipart objects would
 * download unverified and the benchmark would measure a cheaper path), decrypt through S3 with the
 * source's KMS keys, fetch the staged jar, look for its own signal, and write below its own results
 * prefix.
 *
 * @param partition the partition of the run's region, for ARNs
 * @param region the run's region, where S3 asks KMS
 * @param sourceBucket the source's bucket, or null when the source is read without signing
 * @param sourcePrefix the source's prefix, possibly empty
 * @param kmsKeys the ARNs of the KMS keys the source's objects are encrypted with
 * @param layout where the run keeps its files
 * @param instanceType the type whose role this is
 * @param jarStaged whether the instances fetch the jar from the results bucket
 */
public record InstancePolicy(
    Partition partition,
    String region,
    String sourceBucket,
    String sourcePrefix,
    List<String> kmsKeys,
    Layout layout,
    String instanceType,
    boolean jarStaged) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public InstancePolicy {
    kmsKeys = List.copyOf(kmsKeys);
  }

  /** Returns the trust policy that lets EC2 instances of the partition assume the role. */
  public static String trustPolicy(Partition partition) {
    ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
    ObjectNode statement = doc.putArray("Statement").addObject().put("Effect", "Allow");
    statement.putObject("Principal").put("Service", partition.ec2Principal());
    statement.put("Action", "sts:AssumeRole");
    return write(doc, false);
  }

  /** Returns the policy document, on one line. */
  public String json() {
    return write(document(), false);
  }

  /** Returns the policy document, indented for a person. */
  public String prettyJson() {
    return write(document(), true);
  }

  private ObjectNode document() {
    ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
    ArrayNode statements = doc.putArray("Statement");
    if (sourceBucket != null) {
      ObjectNode list =
          statement(statements, "ListSource", List.of("s3:ListBucket"))
              .put("Resource", partition.s3Arn(sourceBucket, null));
      if (!sourcePrefix.isEmpty()) {
        list.putObject("Condition")
            .putObject("StringLike")
            .putArray("s3:prefix")
            .add(sourcePrefix + "*");
      }
      statement(statements, "ReadSource", List.of("s3:GetObject", "s3:GetObjectAttributes"))
          .put("Resource", partition.s3Arn(sourceBucket, sourcePrefix + "*"));
      if (!kmsKeys.isEmpty()) {
        ObjectNode decrypt =
            statement(statements, "DecryptSourceThroughS3", List.of("kms:Decrypt"));
        ArrayNode keys = decrypt.putArray("Resource");
        kmsKeys.forEach(keys::add);
        decrypt
            .putObject("Condition")
            .putObject("StringEquals")
            .put("kms:ViaService", partition.s3Service(region));
      }
    }
    if (jarStaged) {
      statement(statements, "FetchJar", List.of("s3:GetObject"))
          .put("Resource", partition.s3Arn(layout.bucket(), layout.jarKey()));
    }
    statement(statements, "AwaitTurn", List.of("s3:ListBucket"))
        .put("Resource", partition.s3Arn(layout.bucket(), null))
        .putObject("Condition")
        .putObject("StringEquals")
        .put("s3:prefix", layout.goKey(instanceType));
    statement(statements, "WriteOwnResults", List.of("s3:PutObject"))
        .put("Resource", partition.s3Arn(layout.bucket(), layout.typePrefix(instanceType) + "*"));
    return doc;
  }

  private static ObjectNode statement(ArrayNode statements, String sid, List<String> actions) {
    ObjectNode statement = statements.addObject().put("Sid", sid).put("Effect", "Allow");
    ArrayNode action = statement.putArray("Action");
    actions.forEach(action::add);
    return statement;
  }

  private static String write(ObjectNode doc, boolean pretty) {
    try {
      return pretty
          ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc)
          : JSON.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
