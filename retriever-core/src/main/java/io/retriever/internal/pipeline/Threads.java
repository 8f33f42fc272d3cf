package io.retriever.internal.pipeline;

/**
 * Where every thread of a {@code Retriever} comes from, so that tests can name, count or replace
 * them.
 */
@FunctionalInterface
public interface Threads {
  /** Returns a new, unstarted thread named {@code name} that runs {@code body}. */
  Thread newThread(String name, Runnable body);

  /** Returns the default: daemon platform threads, which never keep a JVM alive. */
  static Threads daemons() {
    return (name, body) -> {
      Thread thread = new Thread(body, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
