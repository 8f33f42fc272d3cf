package io.retriever.internal.pipeline;

import io.retriever.DownloadRequest;
import io.retriever.HookException;
import io.retriever.ObjectInfo;
import io.retriever.event.ObjectListed;
import io.retriever.event.ObjectSkipped;
import io.retriever.hook.ObjectInterceptor;
import io.retriever.hook.ObjectLister;
import io.retriever.hook.ObjectPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  private final Pipeline pipeline;
  private final List<ObjectInterceptor> interceptors = new ArrayList<>();
  private long index;

  Lister(Pipeline pipeline) {
    this.pipeline = pipeline;
    interceptors.addAll(pipeline.settings.objectInterceptors());
    if (pipeline.sink.interceptor() != null) {
      interceptors.add(pipeline.sink.interceptor());
    }
    if (pipeline.settings.cache() != null) {
      interceptors.add(pipeline.settings.cache());
    }
  }

  void run() throws InterruptedException {
    DownloadRequest request = pipeline.request;
    ObjectLister lister = pipeline.settings.lister();
    if (lister == null) {
      new S3Lister(pipeline, this::folder).list(request, this::offer);
    } else {
      Hooks.call(
          lister,
          "list",
          request.toString(),
          () -> {
            lister.list(request, this::offer);
            return Boolean.TRUE;
          });
    }
    pipeline.listingComplete = true;
    pipeline.listed.put(Pipeline.END_OF_LISTING);
  }

  private void offer(ObjectInfo object) throws InterruptedException {
    if (!pipeline.request.accepts(object.key())) {
      return;
    }
    long position = index++;
    ObjectPlan plan;
    try {
      pipeline.hooks.tell(
          "objectListed", object.uri(), l -> l.objectListed(new ObjectListed(object, position)));
      plan = proceed(0, object, pipeline.sink.target(object));
    } catch (HookException e) {
      pipeline.objectFailed(object, null, e);
      return;
    }
    if (plan instanceof ObjectPlan.Skip skip) {
      pipeline.objectsSkipped.incrementAndGet();
      try {
        pipeline.hooks.tell(
            "objectSkipped",
            object.uri(),
            l -> l.objectSkipped(new ObjectSkipped(object, skip.reason())));
      } catch (HookException e) {
        pipeline.objectFailed(object, null, e);
      }
    } else if (plan instanceof ObjectPlan.FromFile local) {
      emit(new PlannedObject(object, local.target(), local.source()));
    } else {
      emit(new PlannedObject(object, ((ObjectPlan.Download) plan).target(), null));
    }
  }

  /**
   * Keeps a folder marker the built-in lister found as the sink can (an empty directory, for
   * files), and tells listeners it was skipped, naming it: no listed key goes by without a word. It
   * is not counted among skipped objects, which are those already up to date.
   */
  private void folder(ObjectInfo marker) {
    if (!pipeline.request.accepts(marker.key())) {
      return;
    }
    String base = pipeline.request.base();
    String reason;
    if (marker.key().equals(base) || marker.key().length() <= 1) {
      reason = "folder marker of the prefix itself";
    } else {
      String name = marker.key().substring(0, marker.key().length() - 1);
      ObjectInfo directory =
          new ObjectInfo(marker.bucket(), name, 0, marker.eTag(), marker.lastModified());
      Path made;
      try {
        made = pipeline.sink.folder(marker, directory);
      } catch (RefusedKey e) {
        pipeline.objectRefused(marker, e);
        return;
      }
      reason =
          made != null
              ? "folder marker: made the empty directory " + made
              : "folder marker: no bytes to hand over";
    }
    LOG.debug("{}: {}", marker.uri(), reason);
    try {
      pipeline.hooks.tell(
          "objectSkipped", marker.uri(), l -> l.objectSkipped(new ObjectSkipped(marker, reason)));
    } catch (HookException e) {
      pipeline.objectFailed(marker, null, e);
    }
  }

  /** Asks interceptor {@code at} and those after it for the object's plan. */
  private ObjectPlan proceed(int at, ObjectInfo object, Path target) throws InterruptedException {
    if (at == interceptors.size()) {
      return new ObjectPlan.Download(target);
    }
    ObjectInterceptor interceptor = interceptors.get(at);
    ObjectInterceptor.ObjectChain chain =
        new ObjectInterceptor.ObjectChain() {
          @Override
          public ObjectInfo object() {
            return object;
          }

          @Override
          public Path target() {
            return target;
          }

          @Override
          public ObjectPlan proceed(Path newTarget) throws InterruptedException {
            return Lister.this.proceed(at + 1, object, newTarget);
          }
        };
    return Hooks.call(
        interceptor, "interceptObject", object.uri(), () -> interceptor.intercept(chain));
  }

  private void emit(PlannedObject planned) throws InterruptedException {
    pipeline.objectsListed.incrementAndGet();
    pipeline.bytesListed.addAndGet(planned.object().size());
    pipeline.listed.put(planned);
  }
}
