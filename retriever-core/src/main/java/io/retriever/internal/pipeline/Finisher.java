package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;
import io.retriever.HookException;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.ObjectCompleted;
import io.retriever.hook.ChunkLayout;
import io.retriever.hook.DownloadedObject;
import io.retriever.hook.PostDownloadHook;
import io.retriever.internal.Settings;
import io.retriever.internal.flow.Budget;
import io.retriever.internal.flow.Clock;
import io.retriever.internal.verify.Verifier;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The finisher stage: takes each object whose last chunk is in (or that the chunker had nothing to
 * fetch for), discards a failed one and reports it; checks a fetched one as a whole, handing it
 * back to the chunker to fetch again when its bytes prove wrong; completes it (its file gets its
 * final name), runs the post-download hooks and reports it completed.
 *
 * <p>Concurrency: {@code postDownloadThreads} finisher threads take objects from one queue; each
 * object is finished by one of them. They stop at {@link #STOP}, which the chunker sends once no
 * object can arrive any more.
 */
final class Finisher {
  /** Tells a finisher thread to stop. */
  static final ObjectSink STOP =
      new ObjectSink(Chunker.END_OF_LISTING.object(), ChunkLayout.uniform(0, 1)) {
        @Override
        public ChunkWriter writer(ChunkTask task, long sequence, Budget.Lease lease) {
          // Never admitted: the chunker sends it only to the finisher's queue, after its last
          // object.
          throw new IllegalStateException("the finisher's stop marker has no chunks to write");
        }

        @Override
        public void complete() {}
      };

  private final BlockingQueue<ObjectSink> finished;
  private final BlockingQueue<Refetch> again;
  private final AtomicInteger unfinished;
  private final Scope scope;
  private final List<PostDownloadHook> postHooks;
  private final int maxAttempts;
  private final int maxRetries;
  private final Clock clock;

  /**
   * @param finished the finisher's input
   * @param again the chunker's input of objects to fetch again
   * @param unfinished objects opened and not yet finished, counted down here
   * @param maxAttempts fetches of one object before it fails
   * @param maxRetries retries the whole download may spend
   */
  Finisher(
      BlockingQueue<ObjectSink> finished,
      BlockingQueue<Refetch> again,
      AtomicInteger unfinished,
      Scope scope,
      List<PostDownloadHook> postHooks,
      int maxAttempts,
      int maxRetries,
      Clock clock) {
    this.finished = finished;
    this.again = again;
    this.unfinished = unfinished;
    this.scope = scope;
    this.postHooks = postHooks;
    this.maxAttempts = maxAttempts;
    this.maxRetries = maxRetries;
    this.clock = clock;
  }

  /** Returns the post-download hooks in the order they run: the user's, then the cache. */
  static List<PostDownloadHook> postHooks(Settings settings) {
    List<PostDownloadHook> all = new ArrayList<>(settings.postDownloadHooks());
    if (settings.cache() != null) {
      all.add(settings.cache());
    }
    return List.copyOf(all);
  }

  /** A finisher thread: finishes objects until told to stop. */
  void run() throws InterruptedException {
    for (ObjectSink object = finished.take(); object != STOP; object = finished.take()) {
      boolean refetched = false;
      try {
        refetched = finish(object);
      } finally {
        if (!refetched && object.planned() != null) {
          unfinished.decrementAndGet();
        }
      }
    }
  }

  /** Finishes one object; returns whether it was handed back to be fetched again. */
  private boolean finish(ObjectSink object) throws InterruptedException {
    if (scope.failures().failed()) {
      // The download's clean-up removes what the object left; it must not get its final name.
      return false;
    }
    RetrieverException error = object.failure();
    if (error != null) {
      object.giveUp(error);
      scope.failures().report(object.object(), error);
      return false;
    }
    Verifier.Verdict verdict = scope.verifier().check(object);
    if (verdict.mismatch() != null && verdict.inferred() && object.attempt() > 1) {
      // Two fetches agreed chunk by chunk (each chunk of this one is kept only when its CRC agrees
      // with another fetch of it): the bytes are the store's, and the part layout was wrong.
      verdict = new Verifier.Verdict(false, null, verdict.unverified(), false);
    }
    if (verdict.mismatch() != null) {
      object.markFailed(Verifier.corrupt(object, verdict.mismatch()));
      object.discard();
      if (refetch(object)) {
        return true;
      }
      scope.failures().objectLost(object.object(), null, object.failure());
      return false;
    }
    try {
      object.complete();
    } catch (HookException e) {
      object.markFailed(e);
      object.discard();
      scope.failures().hookFailed(object.object(), null, e);
      return false;
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO, "cannot complete " + object.object().uri() + ": " + e, e);
    }
    if (!verdict.verified() && object.localSource() == null) {
      scope.metrics().unverified(object.object().uri(), verdict.unverified());
    }
    deliver(object, object.localSource() == null ? verdict.unverified() : null);
    return false;
  }

  /**
   * Hands an object whose bytes proved wrong back to the chunker, to be fetched again from the
   * start, unless it has had all its attempts, the sink is ordered (its bytes are handed over
   * already) or the download's retries are spent. Returns whether it was handed back.
   */
  private boolean refetch(ObjectSink object) {
    if (object.planned() == null
        || scope.failures().ordered()
        || object.attempt() >= maxAttempts
        || scope.metrics().retries.incrementAndGet() > maxRetries) {
      return false;
    }
    scope.metrics().bytesDone(-(object.object().size() - object.resumedBytes()));
    again.add(
        new Refetch(
            object.planned(), object.attempt() + 1, object.layout(), object.check().crcs()));
    return true;
  }

  /**
   * Runs the post-download hooks of a completed object, then reports it completed.
   *
   * @param unverified why its bytes could not be checked, or null
   */
  private void deliver(ObjectSink object, String unverified) throws InterruptedException {
    String uri = object.object().uri();
    boolean delivered =
        scope
            .invoker()
            .guard(
                object.object(),
                null,
                () -> {
                  if (!postHooks.isEmpty()) {
                    DownloadedObject result = object.result();
                    for (PostDownloadHook hook : postHooks) {
                      Invoker.call(
                          hook,
                          "afterDownload",
                          uri,
                          () -> {
                            hook.afterDownload(result);
                            return Boolean.TRUE;
                          });
                    }
                  }
                  ObjectCompleted event =
                      new ObjectCompleted(
                          object.object(),
                          object.target(),
                          object.localSource() != null
                              ? 0
                              : object.object().size() - object.resumedBytes(),
                          Duration.ofNanos(clock.nanoTime() - object.startNanos()),
                          unverified);
                  scope.invoker().tell("objectCompleted", uri, l -> l.objectCompleted(event));
                });
    if (!delivered) {
      object.revoke();
      return;
    }
    scope.metrics().objectsDone.incrementAndGet();
  }
}
