package io.retriever.testkit;

import io.retriever.ChunkTask;
import io.retriever.DownloadListener;
import io.retriever.DownloadSummary;
import io.retriever.ObjectInfo;
import io.retriever.ProgressSnapshot;
import io.retriever.event.ChunkCompleted;
import io.retriever.event.ChunkRequested;
import io.retriever.event.ChunkRetried;
import io.retriever.event.ChunksPlanned;
import io.retriever.event.DownloadFailed;
import io.retriever.event.DownloadStarted;
import io.retriever.event.ObjectCompleted;
import io.retriever.event.ObjectFailed;
import io.retriever.event.ObjectListed;
import io.retriever.event.ObjectSkipped;
import io.retriever.event.ObjectStarted;
import io.retriever.event.StoreReachable;
import io.retriever.event.StoreUnreachable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listener that records every event with the thread it came on, and checks that a download's
 * events make sense: {@link #assertConsistent()} fails unless the download started once and ended
 * once, every started object ended in exactly one completed or failed event, every chunk request
 * ended in a retry, a completion or its object's failure, and each event came on the thread its
 * hook point promises.
 *
 * <p>It also measures how many calls of each hook point overlapped ({@link #maxOverlap}); give it a
 * hold time to make overlaps likely where they are allowed.
 */
public final class RecordingListener implements DownloadListener {
  /** One recorded call. */
  public record Recorded(String point, Object event, String thread) {}

  private final List<Recorded> events = new ArrayList<>();
  private final long holdNanos;
  private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> overlap = new ConcurrentHashMap<>();

  /** Records without slowing anything down. */
  public RecordingListener() {
    this(0);
  }

  /** Records, holding each call for {@code holdMillis} so that overlapping calls show. */
  public RecordingListener(long holdMillis) {
    this.holdNanos = TimeUnit.MILLISECONDS.toNanos(holdMillis);
  }

  private void record(String point, Object event) {
    AtomicInteger now = active.computeIfAbsent(point, p -> new AtomicInteger());
    int n = now.incrementAndGet();
    overlap.computeIfAbsent(point, p -> new AtomicInteger()).accumulateAndGet(n, Math::max);
    try {
      synchronized (events) {
        events.add(new Recorded(point, event, Thread.currentThread().getName()));
      }
      if (holdNanos > 0 && !point.equals("progress")) {
        long end = System.nanoTime() + holdNanos;
        while (System.nanoTime() < end) {
          Thread.onSpinWait();
        }
      }
    } finally {
      now.decrementAndGet();
    }
  }

  @Override
  public void downloadStarted(DownloadStarted event) {
    record("downloadStarted", event);
  }

  @Override
  public void objectListed(ObjectListed event) {
    record("objectListed", event);
  }

  @Override
  public void objectSkipped(ObjectSkipped event) {
    record("objectSkipped", event);
  }

  @Override
  public void objectStarted(ObjectStarted event) {
    record("objectStarted", event);
  }

  @Override
  public void chunksPlanned(ChunksPlanned event) {
    record("chunksPlanned", event);
  }

  @Override
  public void chunkRequested(ChunkRequested event) {
    record("chunkRequested", event);
  }

  @Override
  public void chunkRetried(ChunkRetried event) {
    record("chunkRetried", event);
  }

  @Override
  public void storeUnreachable(StoreUnreachable event) {
    record("storeUnreachable", event);
  }

  @Override
  public void storeReachable(StoreReachable event) {
    record("storeReachable", event);
  }

  @Override
  public void chunkCompleted(ChunkCompleted event) {
    record("chunkCompleted", event);
  }

  @Override
  public void objectCompleted(ObjectCompleted event) {
    record("objectCompleted", event);
  }

  @Override
  public void objectFailed(ObjectFailed event) {
    record("objectFailed", event);
  }

  @Override
  public void progress(ProgressSnapshot snapshot) {
    record("progress", snapshot);
  }

  @Override
  public void downloadCompleted(DownloadSummary summary) {
    record("downloadCompleted", summary);
  }

  @Override
  public void downloadFailed(DownloadFailed event) {
    record("downloadFailed", event);
  }

  /** Returns every call so far, in the order they were made. */
  public List<Recorded> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** Returns the events of one type, in order. */
  public <T> List<T> events(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Recorded r : events()) {
      if (type.isInstance(r.event())) {
        out.add(type.cast(r.event()));
      }
    }
    return out;
  }

  /** Returns the hook points called so far, in order. */
  public List<String> points() {
    return events().stream().map(Recorded::point).toList();
  }

  /** Returns the most calls of {@code point} that ran at the same time. */
  public int maxOverlap(String point) {
    AtomicInteger n = overlap.get(point);
    return n == null ? 0 : n.get();
  }

  /**
   * Checks the recorded download for consistency.
   *
   * @throws AssertionError that says what is wrong
   */
  public void assertConsistent() {
    List<Recorded> all = events();
    check(!all.isEmpty(), "no events recorded", all);
    check(
        all.get(0).point().equals("downloadStarted"),
        "the first event is not downloadStarted",
        all);
    String last = all.get(all.size() - 1).point();
    check(
        last.equals("downloadCompleted") || last.equals("downloadFailed"),
        "the last event is " + last + ", not downloadCompleted or downloadFailed",
        all);
    long ends =
        all.stream()
            .filter(
                r -> r.point().equals("downloadCompleted") || r.point().equals("downloadFailed"))
            .count();
    check(ends == 1, ends + " download end events", all);
    check(
        all.stream().filter(r -> r.point().equals("downloadStarted")).count() == 1,
        "more than one downloadStarted",
        all);
    boolean downloadFailed = last.equals("downloadFailed");

    Set<ObjectInfo> started = new HashSet<>();
    Map<ObjectInfo, Integer> endsByObject = new HashMap<>();
    Set<ObjectInfo> failed = new HashSet<>();
    Map<ChunkTask, Integer> openRequests = new HashMap<>();
    Set<ChunkTask> completed = new HashSet<>();
    for (Recorded r : all) {
      String thread = r.thread();
      switch (r.point()) {
        case "objectListed", "objectSkipped" ->
            check(thread.equals("retriever-lister"), r.point() + " on " + thread, all);
        case "objectStarted" -> {
          ObjectInfo o = ((ObjectStarted) r.event()).object();
          check(thread.equals("retriever-chunker"), "objectStarted on " + thread, all);
          check(started.add(o), "objectStarted twice for " + o.key(), all);
        }
        case "chunksPlanned" -> {
          ObjectInfo o = ((ChunksPlanned) r.event()).object();
          check(thread.equals("retriever-chunker"), "chunksPlanned on " + thread, all);
          check(started.contains(o), "chunksPlanned before objectStarted for " + o.key(), all);
        }
        case "chunkRequested" -> {
          ChunkTask t = ((ChunkRequested) r.event()).task();
          check(thread.startsWith("retriever-downloader-"), "chunkRequested on " + thread, all);
          check(started.contains(t.object()), "chunk requested before its object started", all);
          check(
              openRequests.merge(t, 1, Integer::sum) == 1,
              "chunk " + t + " requested again before its retry was announced",
              all);
        }
        case "chunkRetried" -> {
          ChunkTask t = ((ChunkRetried) r.event()).task();
          check(thread.startsWith("retriever-downloader-"), "chunkRetried on " + thread, all);
          check(openRequests.remove(t) != null, "chunkRetried without a request for " + t, all);
        }
        case "chunkCompleted" -> {
          ChunkTask t = ((ChunkCompleted) r.event()).task();
          check(thread.startsWith("retriever-downloader-"), "chunkCompleted on " + thread, all);
          openRequests.remove(t);
          check(completed.add(t), "chunkCompleted twice for " + t, all);
        }
        case "objectCompleted" -> {
          ObjectInfo o = ((ObjectCompleted) r.event()).object();
          check(started.contains(o), "objectCompleted without objectStarted for " + o.key(), all);
          endsByObject.merge(o, 1, Integer::sum);
        }
        case "objectFailed" -> {
          ObjectInfo o = ((ObjectFailed) r.event()).object();
          endsByObject.merge(o, 1, Integer::sum);
          failed.add(o);
        }
        default -> {
          // downloadStarted, progress and the end are checked above.
        }
      }
    }
    for (ObjectInfo o : started) {
      int n = endsByObject.getOrDefault(o, 0);
      check(
          n == 1 || (n == 0 && downloadFailed),
          o.key() + " started and ended " + n + " times",
          all);
    }
    endsByObject.forEach((o, n) -> check(n == 1, o.key() + " ended " + n + " times", all));
    for (ChunkTask t : openRequests.keySet()) {
      check(
          downloadFailed || failed.contains(t.object()),
          "chunk " + t.index() + " of " + t.object().key() + " was requested and never ended",
          all);
    }
  }

  private static void check(boolean condition, String message, List<Recorded> all) {
    if (!condition) {
      StringBuilder text = new StringBuilder(message).append("; events:");
      all.stream()
          .limit(60)
          .forEach(r -> text.append("\n  ").append(r.point()).append(" on ").append(r.thread()));
      throw new AssertionError(text.toString());
    }
  }
}
