package io.retriever.bench.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.bench.ec2.internal.InstancePolicy;
import io.retriever.bench.ec2.internal.Layout;
import io.retriever.bench.ec2.internal.Partition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The instance role's policy: what it allows, parsed, and the same text in BENCHMARKS.md. */
class PolicyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The inputs of the example in BENCHMARKS.md. */
  private static InstancePolicy example() {
    return new InstancePolicy(
        Partition.of("us-east-1"),
        "us-east-1",
        "my-data",
        "datasets/2024/",
        List.of("arn:aws:kms:us-east-1:111122223333:key/example"),
        Layout.of("s3://my-bucket/retriever-bench", "RUN"),
        "m5n.2xlarge",
        true);
  }

  @Test
  void policy_readsTheSourceWithPartChecksums_andWritesOnlyItsOwnResults() throws Exception {
    JsonNode policy = JSON.readTree(example().json());
    Set<String> actions = new TreeSet<>();
    List<String> resources = new ArrayList<>();
    for (JsonNode s : policy.path("Statement")) {
      assertThat(s.path("Effect").asText()).isEqualTo("Allow");
      s.path("Action").forEach(a -> actions.add(a.asText()));
      JsonNode r = s.path("Resource");
      if (r.isArray()) {
        r.forEach(x -> resources.add(x.asText()));
      } else {
        resources.add(r.asText());
      }
    }
    assertThat(actions)
        .containsExactly(
            "kms:Decrypt",
            "s3:GetObject",
            "s3:GetObjectAttributes",
            "s3:ListBucket",
            "s3:PutObject");
    assertThat(resources).noneMatch(r -> r.equals("*"));

    JsonNode list = ChecksTest.statement(policy, "ListSource");
    assertThat(list.path("Resource").asText()).isEqualTo("arn:aws:s3:::my-data");
    assertThat(list.at("/Condition/StringLike/s3:prefix").get(0).asText())
        .isEqualTo("datasets/2024/*");
    JsonNode read = ChecksTest.statement(policy, "ReadSource");
    assertThat(read.path("Action").toString())
        .isEqualTo("[\"s3:GetObject\",\"s3:GetObjectAttributes\"]");
    assertThat(read.path("Resource").asText()).isEqualTo("arn:aws:s3:::my-data/datasets/2024/*");
    assertThat(ChecksTest.statement(policy, "FetchJar").path("Resource").asText())
        .isEqualTo("arn:aws:s3:::my-bucket/retriever-bench/RUN/retriever.jar");
    JsonNode turn = ChecksTest.statement(policy, "AwaitTurn");
    assertThat(turn.path("Resource").asText()).isEqualTo("arn:aws:s3:::my-bucket");
    assertThat(turn.at("/Condition/StringEquals/s3:prefix").asText())
        .isEqualTo("retriever-bench/RUN/go/m5n.2xlarge");
    // Another type's results, the report and the plan are out of reach.
    assertThat(ChecksTest.statement(policy, "WriteOwnResults").path("Resource").asText())
        .isEqualTo("arn:aws:s3:::my-bucket/retriever-bench/RUN/m5n.2xlarge/*");
  }

  @Test
  void policy_ofAnUnsignedSource_grantsNothingOnIt_andChinaHasItsOwnArnsAndPrincipal()
      throws Exception {
    InstancePolicy china =
        new InstancePolicy(
            Partition.of("cn-north-1"),
            "cn-north-1",
            null,
            "",
            List.of(),
            Layout.of("s3://results/x", "R"),
            "c6in.2xlarge",
            false);
    JsonNode policy = JSON.readTree(china.json());
    assertThat(policy.path("Statement"))
        .extracting(s -> s.path("Sid").asText())
        .containsExactly("AwaitTurn", "WriteOwnResults");
    assertThat(ChecksTest.statement(policy, "WriteOwnResults").path("Resource").asText())
        .isEqualTo("arn:aws-cn:s3:::results/x/R/c6in.2xlarge/*");
    assertThat(JSON.readTree(InstancePolicy.trustPolicy(Partition.of("cn-north-1"))).toString())
        .contains("\"Service\":\"ec2.amazonaws.com.cn\"");
    assertThat(JSON.readTree(InstancePolicy.trustPolicy(Partition.of("us-gov-west-1"))).toString())
        .contains("\"Service\":\"ec2.amazonaws.com\"");
  }

  /** BENCHMARKS.md shows the policy a run gives an instance: the same document as the code's. */
  @Test
  void benchmarksMd_showsThePolicyTheCodeWrites() throws Exception {
    String doc = Files.readString(Path.of("..", "BENCHMARKS.md"));
    String marker = "<!-- instance policy: PolicyTest -->";
    int at = doc.indexOf(marker);
    assertThat(at).as("BENCHMARKS.md marks the policy with " + marker).isNotNegative();
    int start = doc.indexOf("```json\n", at) + "```json\n".length();
    int end = doc.indexOf("```", start);
    assertThat(JSON.readTree(doc.substring(start, end))).isEqualTo(JSON.readTree(example().json()));
  }
}
