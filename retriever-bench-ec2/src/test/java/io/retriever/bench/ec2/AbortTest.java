package io.retriever.bench.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.RetrieverException;
import io.retriever.bench.ec2.internal.Clients;
import io.retriever.testkit.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;

/**
 * Ctrl-C at every stage of a run, against moto: the stop comes while a call that creates something
 * is in flight, or just after it returned, at each step of provisioning and during teardown; every
 * time, nothing of the run is left.
 */
class AbortTest {
  private static final String REGION = "us-east-1";
  private static MotoServer moto;
  private static Clients clients;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    moto = Moto.shared();
    clients = Moto.clients(moto, REGION);
    Moto.bucket(clients, "abort-source");
    Moto.bucket(clients, "abort-results");
    clients
        .s3()
        .putObject(b -> b.bucket("abort-source").key("data/a"), RequestBody.fromString("abc"));
  }

  @AfterAll
  static void stop() throws Exception {
    clients.close();
  }

  /** Where the stop comes: while the nth call of an operation is in flight, or once it returned. */
  static Stream<Arguments> stages() {
    return Stream.of(
        Arguments.of("PutObject", 1, true), // the jar
        Arguments.of("PutObject", 2, false), // the plan beside the results
        Arguments.of("CreateRole", 1, true),
        Arguments.of("CreateRole", 1, false),
        Arguments.of("PutRolePolicy", 1, true),
        Arguments.of("PutRolePolicy", 1, false),
        Arguments.of("CreateInstanceProfile", 1, false),
        Arguments.of("AddRoleToInstanceProfile", 1, true),
        Arguments.of("CreateRole", 2, false), // the second type's
        Arguments.of("CreateSecurityGroup", 1, false),
        Arguments.of("RunInstances", 1, true),
        Arguments.of("RunInstances", 2, false),
        Arguments.of("PutObject", 3, false), // the first type's signal
        Arguments.of("DeleteRolePolicy", 1, true)); // teardown after a launch that failed
  }

  /**
   * Stops the run from another thread, as the shutdown hook of Ctrl-C does, when the nth call of an
   * operation starts or ends; the thread of the call goes on once the stop has begun.
   */
  private static final class StopAt implements ExecutionInterceptor {
    private final String operation;
    private final int occurrence;
    private final boolean inFlight;
    private final AtomicInteger seen = new AtomicInteger();
    final AtomicReference<Ec2Bench> bench = new AtomicReference<>();
    final AtomicReference<List<String>> leftOver = new AtomicReference<>();
    volatile Thread stopper;

    StopAt(String operation, int occurrence, boolean inFlight) {
      this.operation = operation;
      this.occurrence = occurrence;
      this.inFlight = inFlight;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      if (inFlight) {
        maybeStop(context.request(), attributes);
      }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      if (!inFlight) {
        maybeStop(context.request(), attributes);
      }
    }

    private void maybeStop(Object request, ExecutionAttributes attributes) {
      if (request instanceof RunInstancesRequest run && Boolean.TRUE.equals(run.dryRun())) {
        return;
      }
      if (!operation.equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
          || seen.incrementAndGet() != occurrence) {
        return;
      }
      Ec2Bench target = bench.get();
      stopper = new Thread(() -> leftOver.set(target.abort()), "ctrl-c");
      stopper.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!target.aborted() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
    }
  }

  @ParameterizedTest(name = "{0} #{1}, in flight: {2}")
  @MethodSource("stages")
  void abort_atEachStage_leavesNothing(String operation, int occurrence, boolean inFlight)
      throws Exception {
    String runId = "stop-" + operation.toLowerCase() + "-" + occurrence + (inFlight ? "-i" : "-a");
    StopAt stop = new StopAt(operation, occurrence, inFlight);
    Path jar = Files.writeString(dir.resolve("retriever.jar"), "the jar");
    Ec2Bench.Builder builder =
        Moto.bench(moto, REGION, new Moto.Log())
            .instanceTypes(List.of("m5n.2xlarge", "c6in.2xlarge"))
            .source("s3://abort-source/data/")
            .results("s3://abort-results/runs")
            .jar(jar)
            .runId(runId)
            .timeLimit(Duration.ofMinutes(30))
            .confirmed(true)
            .addInterceptor(stop);
    if (operation.startsWith("Delete")) {
      // A launch that fails makes the run tear down by itself: the stop comes during that.
      builder.addInterceptor(new FailingLaunches(Set.of("c6in.2xlarge"), Set.of()));
    }
    try (Ec2Bench bench = builder.build()) {
      stop.bench.set(bench);
      Plan plan = bench.plan();
      assertThatThrownBy(() -> bench.run(plan)).isInstanceOf(RetrieverException.class);
      assertThat(stop.stopper).as("the stop came").isNotNull();
      stop.stopper.join(30_000);
      assertThat(stop.leftOver.get()).as("what the stop could not remove").isEmpty();
    }
    assertThat(Moto.instances(clients, runId))
        .allSatisfy(i -> assertThat(i.state().name()).isEqualTo(InstanceStateName.TERMINATED));
    assertThat(Moto.everything(clients).entrySet())
        .noneMatch(e -> (e.getKey() + " " + e.getValue()).contains("retriever-bench-" + runId))
        .noneMatch(
            e -> e.getKey().startsWith("object abort-results/runs/" + runId + "/retriever.jar"))
        .noneMatch(e -> e.getKey().startsWith("object abort-results/runs/" + runId + "/go/"));
  }
}
