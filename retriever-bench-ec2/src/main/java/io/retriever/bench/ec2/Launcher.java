package io.retriever.bench.ec2;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.Layout;
import io.retriever.bench.ec2.internal.PermissionCheck;
import io.retriever.bench.ec2.internal.Resources;
import io.retriever.bench.ec2.internal.Tags;
import io.retriever.bench.ec2.internal.UserData;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.ShutdownBehavior;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Launches the plan's instances, each in the first of its zones with capacity, and records each as
 * soon as it exists, so that teardown terminates it.
 *
 * <p>Thread safety: {@link #launchAll} from one thread; it launches from a pool of its own.
 */
final class Launcher {
  private final Clients clients;
  private final Layout layout;
  private final Resources resources;
  private final RunGuard guard;
  private final String runId;
  private final String region;
  private final URI endpoint;
  private final Duration poll;
  private final PrintStream log;

  /**
   * @param endpoint the endpoint of the instances' AWS clients, or null for AWS's own
   * @param poll how often the instances look for their signal
   */
  Launcher(
      Clients clients,
      Layout layout,
      Resources resources,
      RunGuard guard,
      String runId,
      String region,
      URI endpoint,
      Duration poll,
      PrintStream log) {
    this.clients = clients;
    this.layout = layout;
    this.resources = resources;
    this.guard = guard;
    this.runId = runId;
    this.region = region;
    this.endpoint = endpoint;
    this.poll = poll;
    this.log = log;
  }

  /** Launches every instance at once; returns instance ids by type once all are launched. */
  Map<String, String> launchAll(Plan plan, String group, List<Tag> tags)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(plan.instances().size());
    try {
      List<Future<String>> launches = new ArrayList<>();
      for (int i = 0; i < plan.instances().size(); i++) {
        int index = i;
        launches.add(pool.submit(() -> launch(plan, index, group, tags)));
      }
      Map<String, String> ids = new LinkedHashMap<>();
      RuntimeException failure = null;
      for (int n = 0; n < launches.size(); n++) {
        try {
          ids.put(plan.instances().get(n).instanceType(), launches.get(n).get());
        } catch (ExecutionException e) {
          if (failure == null) {
            failure =
                e.getCause() instanceof RuntimeException r
                    ? r
                    : new RetrieverException(Reason.SERVER, e.getCause().toString(), e.getCause());
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
      return ids;
    } finally {
      pool.shutdownNow();
    }
  }

  private String launch(Plan plan, int index, String group, List<Tag> tags)
      throws InterruptedException {
    InstancePlan instance = plan.instances().get(index);
    String type = instance.instanceType();
    List<String> onInstance =
        new ArrayList<>(
            List.of(
                "--run",
                runId,
                "--instance-type",
                type,
                "--results",
                plan.results(),
                "--region",
                region));
    if (endpoint != null) {
      onInstance.addAll(List.of("--endpoint-url", endpoint.toString()));
    }
    // The instance waits for its turn until shortly before it powers itself off.
    Duration wait = plan.powerOffAfter(index).minus(plan.timeLimit());
    onInstance.addAll(
        List.of(
            "--wait-seconds",
            String.valueOf(wait.toSeconds()),
            "--poll-millis",
            String.valueOf(poll.toMillis()),
            "--work-directory",
            Storage.MOUNT,
            "--",
            "bench"));
    onInstance.addAll(plan.benchArguments());
    String userData =
        UserData.encode(
            UserData.script(
                new UserData.Inputs(
                    region,
                    endpoint,
                    plan.jar(),
                    plan.powerOffAfter(index),
                    "s3://" + layout.bucket() + "/" + layout.typePrefix(type),
                    instance.storage(),
                    instance.architecture(),
                    plan.peerTools(),
                    onInstance)));
    Tag name = Tags.tag("Name", Tags.name(runId) + "-" + type);
    long profileDeadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    for (int z = 0; z < instance.subnets().size(); ) {
      String subnetId = instance.subnets().get(z);
      String zone = instance.zones().get(z);
      try {
        String id =
            guard.step(
                () -> {
                  Instance launched =
                      clients
                          .ec2()
                          .runInstances(
                              b ->
                                  b.imageId(instance.imageId())
                                      .instanceType(type)
                                      .minCount(1)
                                      .maxCount(1)
                                      .subnetId(subnetId)
                                      .securityGroupIds(group)
                                      .userData(userData)
                                      .keyName(plan.keyName())
                                      .iamInstanceProfile(p -> p.name(instance.instanceProfile()))
                                      .blockDeviceMappings(
                                          PermissionCheck.blockDevices(instance.storage()))
                                      .instanceInitiatedShutdownBehavior(ShutdownBehavior.TERMINATE)
                                      .metadataOptions(m -> m.httpTokens(HttpTokensState.REQUIRED))
                                      .tagSpecifications(
                                          Tags.tagged(ResourceType.INSTANCE, tags, name),
                                          Tags.tagged(ResourceType.VOLUME, tags, name)))
                          .instances()
                          .get(0);
                  String launchedId = launched.instanceId();
                  guard.record(
                      resources.addInstance(launchedId),
                      () -> clients.ec2().terminateInstances(b -> b.instanceIds(launchedId)));
                  return launchedId;
                });
        log.println("Launched " + type + " as " + id + " in " + zone);
        return id;
      } catch (Ec2Exception e) {
        String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
        if (code.equals("InsufficientInstanceCapacity")) {
          log.println("No capacity for " + type + " in " + zone + "; trying the next zone");
          z++;
        } else if (code.equals("InvalidParameterValue")
            && String.valueOf(e.awsErrorDetails().errorMessage()).contains("iamInstanceProfile")
            && System.nanoTime() < profileDeadline) {
          // A new instance profile takes a few seconds to become visible to EC2.
          Thread.sleep(Math.max(poll.toMillis(), 1000));
        } else {
          throw e;
        }
      }
    }
    throw new RetrieverException(
        Reason.SERVER, "no capacity for " + type + " in any of " + instance.zones());
  }
}
