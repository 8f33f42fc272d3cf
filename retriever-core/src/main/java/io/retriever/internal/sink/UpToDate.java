package io.retriever.internal.sink;

import io.retriever.hook.ObjectInterceptor;
import io.retriever.hook.ObjectPlan;
import java.nio.file.Path;

/**
 * The file sink's own decision when resuming: skips an object whose file already holds the listed
 * version (its {@link VersionMark}).
 *
 * <p>Concurrency: called on the lister thread, one object at a time; holds no state.
 */
final class UpToDate implements ObjectInterceptor {
  static final UpToDate INSTANCE = new UpToDate();

  private UpToDate() {}

  @Override
  public ObjectPlan intercept(ObjectChain chain) throws Exception {
    Path path = chain.target();
    if (path != null && VersionMark.current(path, chain.object())) {
      return ObjectPlan.skip("up to date");
    }
    return chain.proceed();
  }
}
