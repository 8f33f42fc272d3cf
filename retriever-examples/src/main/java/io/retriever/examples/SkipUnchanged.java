package io.retriever.examples;

import io.retriever.hook.ObjectInterceptor;
import io.retriever.hook.ObjectPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * An object interceptor: skips objects not modified since a point in time, sends {@code .tmp}
 * objects nowhere, and puts {@code .csv} files into a {@code csv/} directory beside the others.
 * Runs on the lister thread, one object at a time.
 */
public final class SkipUnchanged implements ObjectInterceptor {
  private final Instant since;

  public SkipUnchanged(Instant since) {
    this.since = since;
  }

  @Override
  public ObjectPlan intercept(ObjectChain chain) throws Exception {
    Instant modified = chain.object().lastModified();
    if (modified != null && modified.isBefore(since)) {
      return ObjectPlan.skip("not modified since " + since);
    }
    if (chain.object().key().endsWith(".tmp")) {
      return ObjectPlan.skip("temporary object");
    }
    Path target = chain.target();
    if (target != null && chain.object().key().endsWith(".csv")) {
      Path csvDir = target.getParent().resolve("csv");
      Files.createDirectories(csvDir);
      return chain.proceed(csvDir.resolve(target.getFileName()));
    }
    return chain.proceed();
  }
}
