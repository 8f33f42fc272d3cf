package io.retriever.bench.ec2;

import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.Layout;
import io.retriever.bench.ec2.internal.Resources;
import io.retriever.bench.ec2.internal.Tags;
import io.retriever.bench.ec2.internal.Teardown;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;

/**
 * Finds by tag what runs left behind, run by run, and removes the runs it is given, for {@link
 * Ec2Bench#leftovers} and {@link Ec2Bench#cleanup}. Each resource carries its run's id, its expiry
 * and its results location, so that a run's staged objects are found without asking the user.
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

  /** What is known of one run while its resources are gathered. */
  private static final class Found {
    final List<String> instances = new ArrayList<>();
    final List<String> groups = new ArrayList<>();
    final List<String> profiles = new ArrayList<>();
    final List<String> roles = new ArrayList<>();
    Instant expires;
    String results;

    void tags(Map<String, String> tags) {
      String expiry = tags.get(Tags.EXPIRES);
      if (expiry != null) {
        try {
          Instant at = Instant.parse(expiry);
          // The latest expiry wins: a run counts as over only when all of it does.
          expires = expires == null || at.isAfter(expires) ? at : expires;
        } catch (DateTimeParseException e) {
          // An expiry nobody can read keeps the run from counting as over.
        }
      }
      if (results == null) {
        results = tags.get(Tags.RESULTS);
      }
    }
  }

  /** Returns every run's leftovers, ordered by run id; removes nothing. */
  List<LeftoverRun> find() {
    Map<String, Found> runs = new TreeMap<>();
    BiConsumer<Map<String, String>, java.util.function.Consumer<Found>> add =
        (tags, into) -> {
          String run = tags.get(Tags.RUN);
          if (run != null) {
            Found found = runs.computeIfAbsent(run, r -> new Found());
            found.tags(tags);
            into.accept(found);
          }
        };
    Filter tagged = Filter.builder().name("tag-key").values(Tags.RUN).build();
    clients
        .ec2()
        .describeInstancesPaginator(
            b ->
                b.filters(
                    tagged,
                    Filter.builder()
                        .name("instance-state-name")
                        .values("pending", "running", "stopping", "stopped", "shutting-down")
                        .build()))
        .reservations()
        .forEach(
            r ->
                r.instances()
                    .forEach(
                        i -> add.accept(ec2Tags(i.tags()), f -> f.instances.add(i.instanceId()))));
    clients
        .ec2()
        .describeSecurityGroupsPaginator(b -> b.filters(tagged))
        .securityGroups()
        .forEach(g -> add.accept(ec2Tags(g.tags()), f -> f.groups.add(g.groupId())));
    // IAM's listings leave tags out: each role's and profile's are read on their own.
    for (Role r : clients.iam().listRolesPaginator(b -> b.pathPrefix(Tags.IAM_PATH)).roles()) {
      try {
        Map<String, String> tags = new TreeMap<>();
        clients
            .iam()
            .listRoleTags(b -> b.roleName(r.roleName()))
            .tags()
            .forEach(t -> tags.put(t.key(), t.value()));
        add.accept(tags, f -> f.roles.add(r.roleName()));
      } catch (NoSuchEntityException e) {
        // Deleted meanwhile.
      }
    }
    for (InstanceProfile p :
        clients
            .iam()
            .listInstanceProfilesPaginator(b -> b.pathPrefix(Tags.IAM_PATH))
            .instanceProfiles()) {
      try {
        Map<String, String> tags = new TreeMap<>();
        clients
            .iam()
            .getInstanceProfile(b -> b.instanceProfileName(p.instanceProfileName()))
            .instanceProfile()
            .tags()
            .forEach(t -> tags.put(t.key(), t.value()));
        add.accept(tags, f -> f.profiles.add(p.instanceProfileName()));
      } catch (NoSuchEntityException e) {
        // Deleted meanwhile.
      }
    }
    List<LeftoverRun> found = new ArrayList<>();
    runs.forEach(
        (runId, f) -> {
          List<String> staged = new ArrayList<>();
          Layout layout = null;
          if (f.results != null) {
            layout = Layout.parse(f.results);
            staged.addAll(staged(layout, runId));
          }
          found.add(
              new LeftoverRun(
                  runId,
                  f.expires,
                  new Resources.Snapshot(f.instances, f.groups, f.profiles, f.roles, staged),
                  layout == null ? null : layout.bucket()));
        });
    return found;
  }

  /** Returns the keys a run staged below its results: the jar and the signals. */
  private List<String> staged(Layout run, String runId) {
    List<String> keys = new ArrayList<>();
    try {
      clients
          .s3()
          .listObjectsV2Paginator(b -> b.bucket(run.bucket()).prefix(run.prefix()))
          .contents()
          .forEach(
              o -> {
                if (o.key().equals(run.jarKey()) || o.key().startsWith(run.prefix() + "go/")) {
                  keys.add(o.key());
                }
              });
    } catch (SdkException e) {
      log.println(
          "Cannot list what run " + runId + " staged in " + run.uri() + ": " + e.getMessage());
    }
    return keys;
  }

  /** Removes what each run left; returns what was removed and what could not be. */
  Cleanup remove(List<LeftoverRun> runs) {
    List<String> failures = new ArrayList<>();
    for (LeftoverRun run : runs) {
      if (!run.resources().isEmpty()) {
        log.println("Removing what run " + run.runId() + " left");
        failures.addAll(
            new Teardown(clients, run.bucket(), terminationWait, poll, log)
                .remove(run.resources()));
      }
    }
    return new Cleanup(runs, failures);
  }

  private static Map<String, String> ec2Tags(
      List<software.amazon.awssdk.services.ec2.model.Tag> tags) {
    Map<String, String> map = new TreeMap<>();
    tags.forEach(t -> map.put(t.key(), t.value()));
    return map;
  }
}
