package io.retriever.internal.pipeline;

import io.retriever.DownloadListener;
import io.retriever.HookException;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The one door through which a download calls user code: listeners, interceptors (through one
 * chain walker), post-download hooks, the user's lister and sink. Whatever user code throws
 * becomes a HookException naming its class and the hook point; a RetrieverException thrown
 * through a hook (from Retriever's own code further down a chain) passes unchanged, and an
 * interrupt stays an interrupt. What a HookException fails is decided in one place: guard() hands
 * it to the download's Failures.
 */
/** Calls user code for one download, names the hook that throws, and applies the policy. */
public final class Invoker {
  private static final Logger LOG = LoggerFactory.getLogger(Invoker.class);

  /** A call into user code. */
  @FunctionalInterface
  public interface Call<T> {
    T call() throws Exception;
  }

  /** A step that may call user code about one object. */
  @FunctionalInterface
  interface Step {
    void run() throws InterruptedException;
  }

  /** One hook of a chain: it may pass {@code input} on to the rest through {@code next}. */
  @FunctionalInterface
  interface Link<H, I, O> {
    O apply(H hook, I input, Next<I, O> next) throws Exception;
  }

  /** The rest of a chain. */
  @FunctionalInterface
  interface Next<I, O> {
    O proceed(I input) throws InterruptedException;
  }

  private final List<DownloadListener> listeners;
  private final Failures failures;

  Invoker(List<DownloadListener> listeners, Failures failures) {
    this.listeners = listeners;
    this.failures = failures;
  }

  /** Returns whether any listener is installed. */
  boolean hasListeners() {
    return !listeners.isEmpty();
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

  /**
   * Runs a step about one object; when user code in it throws, fails the object (or the download,
   * as the policy says) and returns false.
   *
   * @param sink the object's sink, or null if it has none yet
   * @throws RetrieverException when the policy fails the download
   */
  boolean guard(ObjectInfo object, ObjectSink sink, Step step) throws InterruptedException {
    try {
      step.run();
      return true;
    } catch (HookException e) {
      failures.hookFailed(object, sink, e);
      return false;
    }
  }

  /**
   * Passes {@code input} through {@code hooks} in order, each through {@code link}, and then to
   * {@code end}.
   *
   * @throws HookException naming the hook that threw
   */
  static <H, I, O> O chain(
      List<H> hooks, String point, String subject, I input, Link<H, I, O> link, Next<I, O> end)
      throws InterruptedException {
    return chain(0, hooks, point, subject, input, link, end);
  }

  private static <H, I, O> O chain(
      int at,
      List<H> hooks,
      String point,
      String subject,
      I input,
      Link<H, I, O> link,
      Next<I, O> end)
      throws InterruptedException {
    if (at == hooks.size()) {
      return end.proceed(input);
    }
    H hook = hooks.get(at);
    return call(
        hook,
        point,
        subject,
        () ->
            link.apply(hook, input, next -> chain(at + 1, hooks, point, subject, next, link, end)));
  }

  /** Tells every listener about a failure; what they throw is logged and attached to it. */
  static void tellFailure(
      List<DownloadListener> listeners,
      String point,
      RetrieverException failure,
      Consumer<DownloadListener> event) {
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

  /** Tells every listener about a failure; what they throw is logged and attached to it. */
  void tellFailure(String point, RetrieverException failure, Consumer<DownloadListener> event) {
    tellFailure(listeners, point, failure, event);
  }

  /**
   * Calls one hook.
   *
   * @throws HookException naming {@code hook} if it threw anything but a RetrieverException, or
   *     returned null
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
