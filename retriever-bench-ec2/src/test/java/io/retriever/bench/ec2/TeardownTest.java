package io.retriever.bench.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.Resources;
import io.retriever.bench.ec2.internal.Teardown;
import io.retriever.testkit.MotoServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/** Teardown of a run's IAM resources against moto: in dependency order, and through conflicts. */
class TeardownTest {
  private static final String TRUST =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
          + "\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
  private static final String POLICY =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
          + "\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";
  private static MotoServer moto;
  private static Clients clients;

  @BeforeAll
  static void start() throws Exception {
    moto = Moto.shared();
    clients = Moto.clients(moto, "us-east-1");
  }

  @AfterAll
  static void stop() throws Exception {
    clients.close();
  }

  /** Records the operations of a client in order. */
  private static final class Operations implements ExecutionInterceptor {
    final List<String> names = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      names.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }
  }

  private static void createRoleAndProfile(String name) {
    clients
        .iam()
        .createRole(
            b -> b.roleName(name).path("/retriever-bench/").assumeRolePolicyDocument(TRUST));
    clients
        .iam()
        .putRolePolicy(b -> b.roleName(name).policyName("retriever-bench").policyDocument(POLICY));
    clients.iam().createInstanceProfile(b -> b.instanceProfileName(name).path("/retriever-bench/"));
    clients.iam().addRoleToInstanceProfile(b -> b.instanceProfileName(name).roleName(name));
  }

  private static boolean roleExists(String name) {
    try {
      clients.iam().getRole(b -> b.roleName(name));
      return true;
    } catch (NoSuchEntityException e) {
      return false;
    }
  }

  @Test
  void remove_deletesPoliciesMembershipProfileThenRole() throws Exception {
    String name = "retriever-bench-order-1";
    createRoleAndProfile(name);
    Operations operations = new Operations();
    try (Clients recorded =
        new Clients("us-east-1", Moto.endpoint(moto), Moto.CREDENTIALS, List.of(operations))) {
      List<String> failures =
          new Teardown(recorded, null, Duration.ofSeconds(5), Duration.ofMillis(20), new Moto.Log())
              .remove(
                  new Resources.Snapshot(
                      List.of(), List.of(), List.of(name), List.of(name), List.of()));
      assertThat(failures).isEmpty();
    }
    assertThat(roleExists(name)).isFalse();
    List<String> order = operations.names;
    assertThat(order.indexOf("DeleteRolePolicy"))
        .isLessThan(order.indexOf("RemoveRoleFromInstanceProfile"));
    assertThat(order.indexOf("RemoveRoleFromInstanceProfile"))
        .isLessThan(order.indexOf("DeleteInstanceProfile"));
    assertThat(order.indexOf("DeleteInstanceProfile")).isLessThan(order.indexOf("DeleteRole"));
  }

  /**
   * A policy that shows up after teardown listed the role's policies (IAM's lag, or a creation
   * still under way): moto refuses the role's deletion with a real 409, and teardown looks again.
   */
  @Test
  void remove_whenAPolicyShowsUpLate_retriesAndDeletesTheRole() throws Exception {
    String name = "retriever-bench-late-1";
    createRoleAndProfile(name);
    AtomicBoolean added = new AtomicBoolean();
    ExecutionInterceptor latePolicy =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            if ("DeleteRole".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                && added.compareAndSet(false, true)) {
              clients
                  .iam()
                  .putRolePolicy(b -> b.roleName(name).policyName("late").policyDocument(POLICY));
            }
          }
        };
    Moto.Log log = new Moto.Log();
    try (Clients late =
        new Clients("us-east-1", Moto.endpoint(moto), Moto.CREDENTIALS, List.of(latePolicy))) {
      List<String> failures =
          new Teardown(late, null, Duration.ofSeconds(5), Duration.ofMillis(20), log)
              .remove(
                  new Resources.Snapshot(
                      List.of(), List.of(), List.of(name), List.of(name), List.of()));
      assertThat(failures).isEmpty();
    }
    assertThat(added).isTrue();
    assertThat(roleExists(name)).isFalse();
    assertThat(log.text()).contains("Deleted role " + name);
  }
}
