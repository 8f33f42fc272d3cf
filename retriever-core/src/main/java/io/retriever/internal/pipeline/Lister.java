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

/**
 * The lister stage: runs the lister (the built-in one, or the user's), keeps the keys the request's
 * filter takes, asks the object interceptors for a plan for each (the user's, then the sink's own,
 * then the cache's) and passes the objects to download on to the chunker, in order.
 *
 * <p>Concurrency: runs on the lister thread alone.
 */
final class Lister {
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
      new S3Lister(pipeline).list(request, this::offer);
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
