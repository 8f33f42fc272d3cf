package io.retriever.internal.pipeline;

import io.retriever.DownloadListener;
import io.retriever.HookException;
import io.retriever.HookFailure;
import io.retriever.RetrieverException;
import io.retriever.hook.PostDownloadHook;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The one door through which the pipeline calls user code. Whatever a hook throws becomes a
 * HookException naming the hook's class and the hook point; a RetrieverException thrown through a
 * hook (from Retriever's own code further down a chain) passes unchanged, and an interrupt stays an
 * interrupt. Whether a HookException fails an object or the download is the caller's decision,
 * through escalate().
 */
/** Calls listeners, interceptors and post-download hooks, and names the hook that throws. */
public final class Hooks {
  private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);

  /** A call into user code. */
  @FunctionalInterface
  public interface Call<T> {
    T call() throws Exception;
  }

  private final List<DownloadListener> listeners;
  private final List<PostDownloadHook> postHooks;
  private final HookFailure policy;

  Hooks(List<DownloadListener> listeners, List<PostDownloadHook> postHooks, HookFailure policy) {
    this.listeners = listeners;
    this.postHooks = postHooks;
    this.policy = policy;
  }

  boolean hasListeners() {
    return !listeners.isEmpty();
  }

  List<PostDownloadHook> postHooks() {
    return postHooks;
  }

  /** Returns whether a hook failure about one object fails the whole download. */
  boolean failsDownload() {
    return policy == HookFailure.FAIL_DOWNLOAD;
  }

  /**
   * Tells every listener; {@code subject} names the object for the error, or is null.
   *
   * @throws HookException naming the first listener that threw; later ones are not called
   */
  void tell(String point, String subject, Consumer<DownloadListener> event) {
    for (DownloadListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        throw new HookException(listener.getClass().getName(), point, subject, e);
      }
    }
  }

  /** Tells every listener about a failure; what they throw is logged and attached to it. */
  void tellFailure(String point, RetrieverException failure, Consumer<DownloadListener> event) {
    for (DownloadListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn(
            "listener {} failed in {}: {}", listener.getClass().getName(), point, e.toString());
        failure.addSuppressed(e);
      }
    }
  }

  /**
   * Calls one hook.
   *
   * @throws HookException naming {@code hook} if it threw anything but a RetrieverException
   * @throws InterruptedException if it was interrupted
   */
  public static <T> T call(Object hook, String point, String subject, Call<T> call)
      throws InterruptedException {
    T result;
    try {
      result = call.call();
    } catch (RetrieverException | InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new HookException(hook.getClass().getName(), point, subject, e);
    }
    if (result == null) {
      throw new HookException(
          hook.getClass().getName(), point, subject, new NullPointerException("it returned null"));
    }
    return result;
  }
}
