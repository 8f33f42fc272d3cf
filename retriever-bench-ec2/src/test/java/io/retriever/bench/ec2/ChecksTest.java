package io.retriever.bench.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.bench.ec2.internal.AwsJson;
import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.QuotaCheck;
import io.retriever.testkit.MotoServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.iam.model.SimulatePrincipalPolicyRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * What a plan checks before anything is created, against moto: the buckets, the source, the
 * caller's permissions and the vCPU quotas; every problem is one line naming the resource, and a
 * plan with problems never runs.
 */
class ChecksTest {
  private static final String REGION = "us-east-1";
  private static final String KEY = "arn:aws:kms:us-east-1:123456789012:key/source-key";
  private static MotoServer moto;
  private static Clients clients;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    moto = Moto.shared();
    clients = Moto.clients(moto, REGION);
    Moto.bucket(clients, "checks-source");
    Moto.bucket(clients, "checks-results");
    clients
        .s3()
        .createBucket(
            b ->
                b.bucket("elsewhere")
                    .createBucketConfiguration(c -> c.locationConstraint("eu-west-1")));
    clients
        .s3()
        .putObject(
            b -> b.bucket("checks-source").key("data/a"), RequestBody.fromBytes(new byte[1000]));
    clients
        .s3()
        .putObject(
            b -> b.bucket("checks-source").key("data/b"), RequestBody.fromBytes(new byte[2000]));
    clients
        .s3()
        .putObject(
            b ->
                b.bucket("checks-source")
                    .key("data/c")
                    .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                    .ssekmsKeyId(KEY),
            RequestBody.fromBytes(new byte[3000]));
    clients
        .s3()
        .putObject(b -> b.bucket("checks-source").key("other/x"), RequestBody.fromString("x"));
  }

  @AfterAll
  static void stop() throws Exception {
    clients.close();
  }

  private Ec2Bench.Builder bench(String source, String results) throws Exception {
    Path jar = Files.writeString(dir.resolve("retriever.jar"), "jar");
    return Moto.bench(moto, REGION, new Moto.Log())
        .instanceTypes(List.of("m5n.2xlarge"))
        .source(source)
        .results(results)
        .jar(jar)
        .runId("checks")
        .timeLimit(Duration.ofMinutes(30))
        .confirmed(true);
  }

  @Test
  void plan_measuresTheSource_andLetsTheRoleDecryptItsKmsKeysThroughS3() throws Exception {
    try (Ec2Bench bench = bench("s3://checks-source/data/", "s3://checks-results/runs").build()) {
      Plan plan = bench.plan();
      assertThat(plan.problems()).isEmpty();
      assertThat(plan.sourceObjects()).isEqualTo(3);
      assertThat(plan.sourceBytes()).isEqualTo(6000);
      assertThat(plan.kmsKeys()).containsExactly(KEY);
      assertThat(String.join("\n", plan.describe()))
          .contains("s3://checks-source/data/: 3 object(s), 5.9 KiB, SSE-KMS with " + KEY);
      JsonNode policy = new ObjectMapper().readTree(plan.policy(plan.instances().get(0), false));
      JsonNode decrypt = statement(policy, "DecryptSourceThroughS3");
      assertThat(decrypt.path("Action").get(0).asText()).isEqualTo("kms:Decrypt");
      assertThat(decrypt.path("Resource").get(0).asText()).isEqualTo(KEY);
      assertThat(decrypt.at("/Condition/StringEquals/kms:ViaService").asText())
          .isEqualTo("s3.us-east-1.amazonaws.com");
    }
  }

  static JsonNode statement(JsonNode policy, String sid) {
    for (JsonNode s : policy.path("Statement")) {
      if (sid.equals(s.path("Sid").asText())) {
        return s;
      }
    }
    throw new AssertionError("no statement " + sid + " in " + policy);
  }

  @Test
  void plan_namesAMissingSourceBucketAndAResultsBucketElsewhere_andNeverRuns() throws Exception {
    Map<String, String> before = Moto.everything(clients);
    try (Ec2Bench bench = bench("s3://no-such-source/data/", "s3://elsewhere/runs").build()) {
      Plan plan = bench.plan();
      assertThat(plan.problems())
          .containsExactlyInAnyOrder(
              "source bucket no-such-source does not exist: check its name",
              "results bucket elsewhere is in eu-west-1, not us-east-1: the instances run where"
                  + " the data lives; pass --region eu-west-1 (or use a bucket in us-east-1)");
      assertThat(String.join("\n", plan.describe()))
          .contains("Problems (2), each to fix before a run:");
      assertThatThrownBy(() -> bench.run(plan))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("2 problem(s)")
          .hasMessageContaining("nothing was created");
    }
    assertThat(Moto.everything(clients)).isEqualTo(before);
  }

  @Test
  void plan_ofAnEmptyPrefix_saysSo() throws Exception {
    try (Ec2Bench bench =
        bench("s3://checks-source/nothing-here/", "s3://checks-results/runs").build()) {
      assertThat(bench.plan().problems())
          .containsExactly(
              "source s3://checks-source/nothing-here/ holds no objects: check the prefix");
    }
  }

  /**
   * EC2 refusing a launch in a dry run, and IAM's simulation denying iam:PassRole: moto allows
   * everything and does not simulate, so both answers are faked at the client boundary, EC2's as
   * the error it sends and IAM's as the XML document it sends.
   */
  @Test
  void plan_whenTheCallerMayNotLaunchOrPassTheRole_namesEachDenial() throws Exception {
    ExecutionInterceptor denyLaunch =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof RunInstancesRequest run
                && Boolean.TRUE.equals(run.dryRun())) {
              throw Ec2Exception.builder()
                  .statusCode(403)
                  .awsErrorDetails(
                      AwsErrorDetails.builder()
                          .errorCode("UnauthorizedOperation")
                          .errorMessage("You are not authorized to perform this operation.")
                          .build())
                  .build();
            }
          }
        };
    ExecutionInterceptor denyPassRole =
        new ExecutionInterceptor() {
          @Override
          public SdkHttpResponse modifyHttpResponse(
              Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
            return context.request() instanceof SimulatePrincipalPolicyRequest
                ? context.httpResponse().toBuilder().statusCode(200).build()
                : context.httpResponse();
          }

          @Override
          public Optional<InputStream> modifyHttpResponseContent(
              Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
            if (!(context.request() instanceof SimulatePrincipalPolicyRequest simulate)) {
              return context.responseBody();
            }
            StringBuilder results = new StringBuilder();
            for (String action : simulate.actionNames()) {
              results
                  .append("<member><EvalActionName>")
                  .append(action)
                  .append("</EvalActionName><EvalResourceName>")
                  .append(simulate.resourceArns().get(0))
                  .append("</EvalResourceName><EvalDecision>")
                  .append(
                      action.equals("iam:PassRole") || action.equals("s3:DeleteObject")
                          ? "implicitDeny"
                          : "allowed")
                  .append("</EvalDecision></member>");
            }
            String xml =
                "<SimulatePrincipalPolicyResponse"
                    + " xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
                    + "<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>"
                    + "<EvaluationResults>"
                    + results
                    + "</EvaluationResults></SimulatePrincipalPolicyResult>"
                    + "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
                    + "</SimulatePrincipalPolicyResponse>";
            return Optional.of(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
          }
        };
    try (Ec2Bench bench =
        bench("s3://checks-source/data/", "s3://checks-results/runs")
            .addInterceptor(denyLaunch)
            .addInterceptor(denyPassRole)
            .build()) {
      Plan plan = bench.plan();
      List<String> problems = plan.problems();
      assertThat(problems).hasSize(2);
      // The bucket's own policy may grant what the caller's do not: said, not refused.
      assertThat(plan.warnings())
          .anyMatch(
              w ->
                  w.contains("has no policy of its own allowing s3:DeleteObject")
                      && w.endsWith("the bucket's policy must allow it"));
      assertThat(problems.get(0))
          .startsWith("the caller may not launch m5n.2xlarge in subnet-")
          .endsWith(": UnauthorizedOperation You are not authorized to perform this operation.");
      assertThat(problems.get(1))
          .isEqualTo(
              "the caller arn:aws:sts::123456789012:user/moto may not iam:PassRole on"
                  + " arn:aws:iam::123456789012:role/retriever-bench/retriever-bench-checks-1"
                  + " (implicitDeny): BENCHMARKS.md lists what a run needs");
    }
  }

  /**
   * The vCPU quota: counted against moto's running instances, with the quota's value from a fake
   * lookup (moto's Service Quotas knows none of EC2's); the real lookup reaches moto's Service
   * Quotas, signed, and reads its error.
   */
  @Test
  void quotas_whenTheRunWouldPassTheVcpuLimit_sayByHowMuch() {
    String image =
        clients
            .ssm()
            .getParameter(
                b ->
                    b.name("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"))
            .parameter()
            .value();
    String running =
        clients
            .ec2()
            .runInstances(b -> b.imageId(image).instanceType("m5.large").minCount(1).maxCount(1))
            .instances()
            .get(0)
            .instanceId();
    InstancePlan m5n =
        new InstancePlan(
            "m5n.2xlarge",
            "x86_64",
            image,
            List.of("subnet-1"),
            List.of("us-east-1a"),
            8,
            32768,
            "Up to 25 Gigabit",
            8.125,
            25,
            Storage.memory(1),
            OptionalDouble.empty(),
            "none",
            "p");
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    new QuotaCheck(clients.ec2(), code -> 8, REGION, problems, warnings).check(List.of(m5n));
    assertThat(problems)
        .containsExactly(
            "vCPU quota L-1216C47A (Running On-Demand Standard (A, C, D, H, I, M, R, T, Z)"
                + " instances) in us-east-1 is 8; 2 are in use and the run needs 8 more: ask for"
                + " more in Service Quotas, or choose fewer or smaller types");

    problems.clear();
    new QuotaCheck(clients.ec2(), code -> 64, REGION, problems, warnings).check(List.of(m5n));
    assertThat(problems).isEmpty();

    // Other tests share this moto: leave no instance running.
    clients.ec2().terminateInstances(b -> b.instanceIds(running));

    QuotaCheck.Lookup real = QuotaCheck.serviceQuotas(clients, REGION, Moto.endpoint(moto));
    assertThatThrownBy(() -> real.value("L-1216C47A"))
        .isInstanceOf(AwsJson.CallFailed.class)
        .hasMessageStartingWith("NoSuchResourceException");
  }
}
