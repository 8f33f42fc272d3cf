package io.retriever.internal.pipeline;

import io.retriever.DownloadRequest;
import io.retriever.ObjectInfo;
import io.retriever.event.ObjectListed;
import io.retriever.event.ObjectSkipped;
import io.retriever.hook.ObjectInterceptor;
import io.retriever.hook.ObjectLister;
import io.retriever.hook.ObjectPlan;
import io.retriever.internal.Settings;
import io.retriever.internal.s3.Outage;
import io.retriever.internal.s3.S3Access;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lister stage: runs the lister (the built-in one, or the user's), keeps the keys the request's
 * filter takes, asks the object interceptors for a plan for each (the user's, then the sink's own,
 * then the cache's) and passes the objects to download on to the chunker, in order. Folder markers
 * the built-in lister finds become empty directories where the sink writes files, and are named to
 * listeners as skipped otherwise.
 *
 * <p>Concurrency: runs on the lister thread alone.
 */
final class Lister {
  private static final Logger LOG = LoggerFactory.getLogger(Lister.class);

  private final DownloadRequest request;
  private final ObjectLister lister;
  private final Sink sink;
  private final List<ObjectInterceptor> interceptors;
  private final BlockingQueue<PlannedObject> listed;
  private final Scope scope;
  private long index;

  /**
   * @param lister the user's lister, or the built-in one
   * @param interceptors the object interceptors, in the order they decide
   * @param listed the chunker's input
   */
  Lister(
      DownloadRequest request,
      ObjectLister lister,
      Sink sink,
      List<ObjectInterceptor> interceptors,
      BlockingQueue<PlannedObject> listed,
      Scope scope) {
    this.request = request;
    this.lister = lister;
    this.sink = sink;
    this.interceptors = interceptors;
    this.listed = listed;
    this.scope = scope;
  }

  /** Returns the user's lister, or else the built-in one. */
  static ObjectLister chosen(
      Settings settings, S3Access s3, Metrics metrics, Threads threads, Outage outage) {
    return settings.lister() != null
        ? settings.lister()
        : new S3Lister(
            s3, settings.maxAttempts(), settings.maxRetriesPerDownload(), metrics, threads, outage);
  }

  /**
   * Returns the object interceptors in the order they decide: the user's, the sink's, the cache.
   */
  static List<ObjectInterceptor> interceptors(Settings settings, Sink sink) {
    List<ObjectInterceptor> all = new ArrayList<>(settings.objectInterceptors());
    if (sink.interceptor() != null) {
      all.add(sink.interceptor());
    }
    if (settings.cache() != null) {
      all.add(settings.cache());
    }
    return List.copyOf(all);
  }

  void run() throws InterruptedException {
    if (lister instanceof S3Lister builtIn) {
      builtIn.list(request, this::offer, this::folder);
    } else {
      Invoker.call(
          lister,
          "list",
          request.toString(),
          () -> {
            lister.list(request, this::offer);
            return Boolean.TRUE;
          });
    }
    scope.metrics().listingComplete = true;
    listed.put(Chunker.END_OF_LISTING);
  }

  private void offer(ObjectInfo object) throws InterruptedException {
    if (!request.accepts(object.key())) {
      return;
    }
    long position = index++;
    ObjectPlan[] planned = new ObjectPlan[1];
    if (!scope
        .invoker()
        .guard(
            object,
            null,
            () -> {
              scope
                  .invoker()
                  .tell(
                      "objectListed",
                      object.uri(),
                      l -> l.objectListed(new ObjectListed(object, position)));
              planned[0] = plan(object, sink.target(object));
            })) {
      return;
    }
    ObjectPlan plan = planned[0];
    if (plan instanceof ObjectPlan.Skip skip) {
      scope.metrics().objectsSkipped.incrementAndGet();
      skipped(object, skip.reason());
    } else if (plan instanceof ObjectPlan.FromFile local) {
      emit(new PlannedObject(object, local.target(), local.source()));
    } else {
      emit(
          new PlannedObject(
              object,
              ((ObjectPlan.Download) plan).target(),
              null,
              scope.verifier().learnParts(object)));
    }
  }

  /**
   * Keeps a folder marker the built-in lister found as the sink can (an empty directory, for
   * files), and tells listeners it was skipped, naming it: no listed key goes by without a word. It
   * is not counted among skipped objects, which are those already up to date.
   */
  private void folder(ObjectInfo marker) throws InterruptedException {
    if (!request.accepts(marker.key())) {
      return;
    }
    String base = request.base();
    String reason;
    if (marker.key().equals(base) || marker.key().length() <= 1) {
      reason = "folder marker of the prefix itself";
    } else {
      String name = marker.key().substring(0, marker.key().length() - 1);
      ObjectInfo directory =
          new ObjectInfo(marker.bucket(), name, 0, marker.eTag(), marker.lastModified());
      Path made;
      try {
        made = sink.folder(marker, directory);
      } catch (RefusedKey e) {
        scope.failures().objectLost(marker, null, e);
        return;
      }
      reason =
          made != null
              ? "folder marker: made the empty directory " + made
              : "folder marker: no bytes to hand over";
    }
    LOG.debug("{}: {}", marker.uri(), reason);
    skipped(marker, reason);
  }

  /** Tells the listeners an object is not downloaded, and why; a hook failure fails it. */
  private void skipped(ObjectInfo object, String reason) throws InterruptedException {
    scope
        .invoker()
        .guard(
            object,
            null,
            () ->
                scope
                    .invoker()
                    .tell(
                        "objectSkipped",
                        object.uri(),
                        l -> l.objectSkipped(new ObjectSkipped(object, reason))));
  }

  /** Asks the interceptors, in order, for the object's plan; the last proceeds to a download. */
  private ObjectPlan plan(ObjectInfo object, Path target) throws InterruptedException {
    return Invoker.<ObjectInterceptor, Path, ObjectPlan>chain(
        interceptors,
        "interceptObject",
        object.uri(),
        target,
        (interceptor, at, rest) ->
            interceptor.intercept(
                new ObjectInterceptor.ObjectChain() {
                  @Override
                  public ObjectInfo object() {
                    return object;
                  }

                  @Override
                  public Path target() {
                    return at;
                  }

                  @Override
                  public ObjectPlan proceed(Path newTarget) throws InterruptedException {
                    return rest.proceed(newTarget);
                  }
                }),
        at -> new ObjectPlan.Download(at));
  }

  private void emit(PlannedObject planned) throws InterruptedException {
    scope.metrics().objectsListed.incrementAndGet();
    scope.metrics().bytesListed.addAndGet(planned.object().size());
    listed.put(planned);
  }
}
