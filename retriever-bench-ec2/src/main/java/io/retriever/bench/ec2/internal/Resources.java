package io.retriever.bench.ec2.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * What a run created, recorded the moment each call that creates it returns. Once {@link #seal}ed
 * (teardown has begun) nothing more may be added: a creator that is refused removes what it just
 * created itself.
 *
 * <p>Thread safety: thread-safe; instances are launched from several threads at once.
 */
public final class Resources {
  private final List<String> instanceIds = new ArrayList<>();
  private final List<String> securityGroupIds = new ArrayList<>();
  private final List<String> instanceProfiles = new ArrayList<>();
  private final List<String> roles = new ArrayList<>();
  private final List<String> stagedKeys = new ArrayList<>();
  private boolean sealed;

  /** What to remove, in the order it must go: instances before their security group, and so on. */
  public record Snapshot(
      List<String> instanceIds,
      List<String> securityGroupIds,
      List<String> instanceProfiles,
      List<String> roles,
      List<String> stagedKeys) {

    public Snapshot {
      instanceIds = List.copyOf(instanceIds);
      securityGroupIds = List.copyOf(securityGroupIds);
      instanceProfiles = List.copyOf(instanceProfiles);
      roles = List.copyOf(roles);
      stagedKeys = List.copyOf(stagedKeys);
    }

    /** Returns whether there is nothing to remove. */
    public boolean isEmpty() {
      return instanceIds.isEmpty()
          && securityGroupIds.isEmpty()
          && instanceProfiles.isEmpty()
          && roles.isEmpty()
          && stagedKeys.isEmpty();
    }
  }

  public synchronized boolean addInstance(String id) {
    return add(instanceIds, id);
  }

  public synchronized boolean addSecurityGroup(String id) {
    return add(securityGroupIds, id);
  }

  public synchronized boolean addInstanceProfile(String name) {
    return add(instanceProfiles, name);
  }

  public synchronized boolean addRole(String name) {
    return add(roles, name);
  }

  public synchronized boolean addStagedKey(String key) {
    return add(stagedKeys, key);
  }

  private boolean add(List<String> list, String value) {
    if (sealed) {
      return false;
    }
    list.add(value);
    return true;
  }

  public synchronized List<String> instanceIds() {
    return List.copyOf(instanceIds);
  }

  /** Refuses every later addition and returns what was recorded; idempotent. */
  public synchronized Snapshot seal() {
    sealed = true;
    return new Snapshot(instanceIds, securityGroupIds, instanceProfiles, roles, stagedKeys);
  }

  public synchronized boolean sealed() {
    return sealed;
  }
}
