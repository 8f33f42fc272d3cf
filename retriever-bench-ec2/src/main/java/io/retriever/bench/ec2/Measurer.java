package io.retriever.bench.ec2;

import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.Layout;
import io.retriever.bench.ec2.internal.Resources;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * Lets the launched instances measure, one type at a time (or all at once): signals each type in
 * S3, follows it until its results are in or its instance is gone, then terminates it.
 *
 * <p>Thread safety: confined to the thread of {@link Ec2Bench#run}.
 */
final class Measurer {
  private final Clients clients;
  private final Layout layout;
  private final RunObjects objects;
  private final Resources resources;
  private final RunGuard guard;
  private final String runId;
  private final Duration timeLimit;
  private final Duration poll;
  private final Clock clock;
  private final PrintStream log;

  /**
   * @param timeLimit how long a type's turn may take, from its signal
   * @param poll how often to look for progress
   */
  Measurer(
      Clients clients,
      Layout layout,
      RunObjects objects,
      Resources resources,
      RunGuard guard,
      String runId,
      Duration timeLimit,
      Duration poll,
      Clock clock,
      PrintStream log) {
    this.clients = clients;
    this.layout = layout;
    this.objects = objects;
    this.resources = resources;
    this.guard = guard;
    this.runId = runId;
    this.timeLimit = timeLimit;
    this.poll = poll;
    this.clock = clock;
    this.log = log;
  }

  /**
   * Measures on every instance and records why a type has no results, with the last lines its
   * instance left, by type.
   *
   * @param instances the instance ids by type
   */
  void measure(
      Plan plan,
      Map<String, String> instances,
      Map<String, String> failures,
      Map<String, List<String>> lastLines)
      throws InterruptedException {
    Map<String, Instant> signalled = new LinkedHashMap<>();
    if (plan.parallelMeasure()) {
      for (InstancePlan i : plan.instances()) {
        signal(i.instanceType());
        signalled.put(i.instanceType(), clock.instant());
      }
    }
    for (InstancePlan i : plan.instances()) {
      String type = i.instanceType();
      if (!plan.parallelMeasure()) {
        signal(type);
        signalled.put(type, clock.instant());
      }
      log.println("Measuring on " + type + " (" + instances.get(type) + ")");
      String id = instances.get(type);
      String failure = awaitDone(type, id, signalled.get(type));
      if (failure != null) {
        failures.put(type, failure);
        log.println(type + ": " + failure);
      }
      clients.ec2().terminateInstances(b -> b.instanceIds(id));
      if (failure != null) {
        List<String> lines = new InstanceReport(clients, layout, objects).lastLines(type, id);
        lastLines.put(type, lines);
        lines.forEach(line -> log.println("  " + line));
      }
    }
  }

  private void signal(String type) {
    guard.step(
        () -> {
          clients
              .s3()
              .putObject(
                  b -> b.bucket(layout.bucket()).key(layout.goKey(type)),
                  RequestBody.fromString(runId));
          guard.record(
              resources.addStagedKey(layout.goKey(type)),
              () ->
                  clients
                      .s3()
                      .deleteObject(b -> b.bucket(layout.bucket()).key(layout.goKey(type))));
        });
  }

  /**
   * Waits until the type's results are in; returns why they never will be, or null.
   *
   * @param signalled when the type's turn began, from which its time limit counts
   */
  private String awaitDone(String type, String instanceId, Instant signalled)
      throws InterruptedException {
    Instant deadline = signalled.plus(timeLimit).plus(poll.multipliedBy(3));
    while (true) {
      guard.checkNotAborted();
      if (objects.exists(layout.doneKey(type))) {
        return null;
      }
      // The instance's script leaves its status on exit: a failure before the bench ran.
      if (objects.exists(layout.statusKey(type)) && !objects.exists(layout.doneKey(type))) {
        return "the instance's script " + objects.read(layout.statusKey(type)).strip();
      }
      InstanceStateName state = state(instanceId);
      if (state != InstanceStateName.PENDING && state != InstanceStateName.RUNNING) {
        // The results may have landed between the two looks.
        return objects.exists(layout.doneKey(type))
            ? null
            : "the instance is " + state + " and left no results";
      }
      if (clock.instant().isAfter(deadline)) {
        return "no results within the time limit of " + timeLimit.toMinutes() + " min";
      }
      Thread.sleep(poll.toMillis());
    }
  }

  private InstanceStateName state(String instanceId) {
    for (var reservation :
        clients
            .ec2()
            .describeInstances(
                b -> b.filters(Filter.builder().name("instance-id").values(instanceId).build()))
            .reservations()) {
      for (Instance instance : reservation.instances()) {
        return instance.state().name();
      }
    }
    return InstanceStateName.TERMINATED;
  }
}
