package io.retriever.internal.pipeline;

import io.retriever.DownloadListener;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.ObjectFailed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/*
 * The failure policy of one download, in one place. The download fails at the first failure that
 * concerns it all (an unreachable endpoint, a local disk error, cancellation, a hook failure under
 * FAIL_DOWNLOAD, any failed object of an ordered download); the reactions registered with
 * onFailure then stop every stage at once. An object fails alone otherwise: when it has a sink,
 * the sink is marked and the finisher discards and reports it; before it has one, it is reported
 * at once.
 */
/** Decides what a failure fails, and stops the download at its first failure. */
public final class Failures {
  private final boolean hookFailsDownload;
  private final boolean ordered;
  private final List<DownloadListener> listeners;

  private final AtomicReference<RetrieverException> first = new AtomicReference<>();
  private final CountDownLatch failed = new CountDownLatch(1);
  private final List<Consumer<RetrieverException>> reactions = new CopyOnWriteArrayList<>();

  /** Objects that failed alone, in the order they failed. */
  private final List<ObjectFailed> objects = Collections.synchronizedList(new ArrayList<>());

  /**
   * @param hookFailsDownload whether a hook failure about one object fails the download
   * @param ordered whether a consumer reads the bytes in order, so any failed object fails it
   */
  Failures(boolean hookFailsDownload, boolean ordered, List<DownloadListener> listeners) {
    this.hookFailsDownload = hookFailsDownload;
    this.ordered = ordered;
    this.listeners = listeners;
  }

  /** Registers what to do at the download's first failure, on the thread that saw it. */
  void onFailure(Consumer<RetrieverException> reaction) {
    reactions.add(reaction);
  }

  /** Fails the download, unless it failed already; returns whether this was the first failure. */
  public boolean fail(RetrieverException error) {
    if (!first.compareAndSet(null, error)) {
      return false;
    }
    failed.countDown();
    for (Consumer<RetrieverException> reaction : reactions) {
      reaction.accept(error);
    }
    return true;
  }

  /** Cancels the download. */
  void cancel() {
    fail(new RetrieverException(Reason.CANCELLED, "download cancelled"));
  }

  /** Returns whether the download has failed or been cancelled. */
  public boolean failed() {
    return first.get() != null;
  }

  /** Returns the download's failure, or null. */
  public RetrieverException failure() {
    return first.get();
  }

  /** Records a failure found while ending a download that had none, unless one came first. */
  void failAtEnd(RetrieverException error) {
    first.compareAndSet(null, error);
  }

  /**
   * Waits up to {@code millis}, returning early (true) when the download fails: a back-off that a
   * failure cuts short without interrupting a worker other downloads share.
   */
  boolean sleep(long millis) throws InterruptedException {
    return failed.await(millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Fails one object over a hook that threw for it: alone, or the download when the policy or an
   * ordered sink says so (then it throws the error).
   *
   * @param sink the object's sink, or null if it has none yet
   */
  void hookFailed(ObjectInfo object, ObjectSink sink, RetrieverException error) {
    if (hookFailsDownload || ordered) {
      fail(error);
      throw error;
    }
    failAlone(object, sink, error);
  }

  /**
   * Fails one object for a reason of its own (the sink refused it, it changed, vanished, proved
   * corrupt or its fetches kept failing): alone, whatever the hook policy, unless the sink is
   * ordered (then it fails the download and throws the error).
   *
   * @param sink the object's sink, or null if it has none yet
   */
  void objectLost(ObjectInfo object, ObjectSink sink, RetrieverException error) {
    if (ordered) {
      fail(error);
      throw error;
    }
    failAlone(object, sink, error);
  }

  /** Marks the object's sink (its finisher reports it), or reports it at once without one. */
  private void failAlone(ObjectInfo object, ObjectSink sink, RetrieverException error) {
    if (sink == null) {
      report(object, error);
    } else {
      sink.markFailed(error);
    }
  }

  /** Records an object that failed alone and tells the listeners. */
  void report(ObjectInfo object, RetrieverException error) {
    ObjectFailed event = new ObjectFailed(object, error);
    objects.add(event);
    Invoker.tellFailure(listeners, "objectFailed", error, l -> l.objectFailed(event));
  }

  /** Returns the objects that failed alone so far. */
  List<ObjectFailed> objects() {
    return List.copyOf(objects);
  }

  /** Returns how many objects failed alone so far. */
  int objectCount() {
    return objects.size();
  }

  /** Returns whether a consumer reads the bytes in order. */
  boolean ordered() {
    return ordered;
  }
}
