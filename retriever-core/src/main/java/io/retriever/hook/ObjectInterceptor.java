package io.retriever.hook;

import io.retriever.ObjectInfo;
import java.nio.file.Path;

/**
 * Decides, per listed object, whether and how it is downloaded: skip it, serve it from a local file
 * (a cache), change where it lands, or proceed. Interceptors run in the order they were added; each
 * calls {@link ObjectChain#proceed} to let the next decide, or returns a plan of its own.
 *
 * <pre>{@code
 * ObjectInterceptor skipLogs = chain ->
 *     chain.object().key().endsWith(".log") ? ObjectPlan.skip("no logs") : chain.proceed();
 * }</pre>
 *
 * <p>Thread: the lister thread, one object at a time (calls never overlap).
 */
@FunctionalInterface
public interface ObjectInterceptor {
  /** Returns the plan for {@code chain.object()}; never null. */
  ObjectPlan intercept(ObjectChain chain) throws Exception;

  /** One object's way through the interceptors. */
  interface ObjectChain {
    /** Returns the object as listed. */
    ObjectInfo object();

    /**
     * Returns where the object lands by default: its file for a download to files, else {@code
     * null}.
     */
    Path target();

    /** Asks the rest of the chain, ending in a plain download to {@code target}. */
    ObjectPlan proceed(Path target) throws Exception;

    /** Asks the rest of the chain, with the default target. */
    default ObjectPlan proceed() throws Exception {
      return proceed(target());
    }
  }
}
