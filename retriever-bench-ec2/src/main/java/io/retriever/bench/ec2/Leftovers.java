package io.retriever.bench.ec2;

import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.Layout;
import io.retriever.bench.ec2.internal.Resources;
import io.retriever.bench.ec2.internal.Tags;
import io.retriever.bench.ec2.internal.Teardown;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.Role;

/**
 * Finds by tag what killed runs left behind and removes it, for {@link Ec2Bench#cleanup}.
 *
 * <p>Thread safety: confined to the calling thread.
 */
final class Leftovers {
  private final Clients clients;
  private final Duration terminationWait;
  private final Duration poll;
  private final PrintStream log;

  /**
   * @param terminationWait the longest wait for the instances to terminate
   */
  Leftovers(Clients clients, Duration terminationWait, Duration poll, PrintStream log) {
    this.clients = clients;
    this.terminationWait = terminationWait;
    this.poll = poll;
    this.log = log;
  }

  /**
   * Finds by tag what runs left behind (one run's, or every run's when {@code runId} is null),
   * terminates the instances and deletes the security groups, instance profiles and roles; with the
   * results location the run was given, and a run id, also the jar it staged and its signals.
   *
   * @param results {@code s3://bucket/prefix} as given to the run, or null to leave S3 alone
   */
  Cleanup remove(String runId, String results) {
    Filter byRun =
        runId == null
            ? Filter.builder().name("tag-key").values(Tags.RUN).build()
            : Filter.builder().name("tag:" + Tags.RUN).values(runId).build();
    List<String> instances = new ArrayList<>();
    clients
        .ec2()
        .describeInstancesPaginator(
            b ->
                b.filters(
                    byRun,
                    Filter.builder()
                        .name("instance-state-name")
                        .values("pending", "running", "stopping", "stopped", "shutting-down")
                        .build()))
        .reservations()
        .forEach(r -> r.instances().forEach(i -> instances.add(i.instanceId())));
    List<String> groups = new ArrayList<>();
    clients
        .ec2()
        .describeSecurityGroupsPaginator(b -> b.filters(byRun))
        .securityGroups()
        .forEach(g -> groups.add(g.groupId()));
    String name = runId == null ? Tags.NAME_PREFIX : Tags.name(runId);
    List<String> profiles = new ArrayList<>();
    for (InstanceProfile p :
        clients
            .iam()
            .listInstanceProfilesPaginator(b -> b.pathPrefix(Tags.IAM_PATH))
            .instanceProfiles()) {
      if (runId == null
          ? p.instanceProfileName().startsWith(name)
          : p.instanceProfileName().equals(name)) {
        profiles.add(p.instanceProfileName());
      }
    }
    List<String> roles = new ArrayList<>();
    for (Role r : clients.iam().listRolesPaginator(b -> b.pathPrefix(Tags.IAM_PATH)).roles()) {
      if (runId == null ? r.roleName().startsWith(name) : r.roleName().equals(name)) {
        roles.add(r.roleName());
      }
    }
    List<String> staged = new ArrayList<>();
    Layout run = runId == null || results == null ? null : Layout.of(results, runId);
    if (run != null) {
      clients
          .s3()
          .listObjectsV2Paginator(b -> b.bucket(run.bucket()).prefix(run.prefix()))
          .contents()
          .forEach(
              o -> {
                if (o.key().equals(run.jarKey()) || o.key().startsWith(run.prefix() + "go/")) {
                  staged.add(o.key());
                }
              });
    }
    Resources.Snapshot found = new Resources.Snapshot(instances, groups, profiles, roles, staged);
    String bucket = run == null ? null : run.bucket();
    List<String> failures =
        found.isEmpty()
            ? List.of()
            : new Teardown(clients, bucket, terminationWait, poll, log).remove(found);
    return new Cleanup(found, bucket, failures);
  }
}
