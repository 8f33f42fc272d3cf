package io.retriever.bench.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.Partition;
import io.retriever.testkit.MotoServer;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;

/** IAM's endpoint follows the region's partition: global, China's, GovCloud's. */
class PartitionTest {
  private static MotoServer moto;

  @BeforeAll
  static void start() throws Exception {
    moto = Moto.shared();
  }

  /**
   * Notes where each request was meant to go and sends it to moto instead, so that nothing leaves
   * 127.0.0.1.
   */
  private static final class ToMoto implements ExecutionInterceptor {
    final List<String> hosts = new CopyOnWriteArrayList<>();
    final List<String> scopes = new CopyOnWriteArrayList<>();

    @Override
    public SdkHttpRequest modifyHttpRequest(
        Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
      hosts.add(context.httpRequest().host());
      URI to = Moto.endpoint(moto);
      return context.httpRequest().toBuilder()
          .protocol(to.getScheme())
          .host(to.getHost())
          .port(to.getPort())
          .build();
    }

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      assertThat(context.httpRequest().host()).isEqualTo("127.0.0.1");
      scopes.add(context.httpRequest().firstMatchingHeader("Authorization").orElse(""));
    }
  }

  private static String iamHost(String region, ToMoto toMoto) {
    try (Clients clients = new Clients(region, null, Moto.CREDENTIALS, List.of(toMoto))) {
      clients.iam().listRoles();
    }
    return toMoto.hosts.get(toMoto.hosts.size() - 1);
  }

  @Test
  void iam_goesToThePartitionsOwnEndpoint() {
    assertThat(Partition.of("cn-northwest-1").iamRegion()).isEqualTo(Region.AWS_CN_GLOBAL);
    assertThat(Partition.of("us-gov-east-1").iamRegion()).isEqualTo(Region.AWS_US_GOV_GLOBAL);
    assertThat(Partition.of("eu-west-1").iamRegion()).isEqualTo(Region.AWS_GLOBAL);

    ToMoto toMoto = new ToMoto();
    assertThat(iamHost("eu-west-1", toMoto)).isEqualTo("iam.amazonaws.com");
    assertThat(iamHost("cn-north-1", toMoto)).isEqualTo("iam.cn-north-1.amazonaws.com.cn");
    assertThat(toMoto.scopes.get(1)).contains("/cn-north-1/iam/aws4_request");
    assertThat(iamHost("us-gov-west-1", toMoto)).isEqualTo("iam.us-gov.amazonaws.com");
    assertThat(toMoto.scopes.get(2)).contains("/us-gov-west-1/iam/aws4_request");
  }
}
