package io.retriever;

import io.retriever.testkit.LocalS3;
import java.util.Set;
import java.util.stream.Collectors;

/** Shared set-up for tests against {@link LocalS3}. */
final class Fixtures {
  static final int MiB = 1 << 20;

  private Fixtures() {}

  /** Returns a builder for a retriever that talks to {@code s3}. */
  static Retriever.Builder retriever(LocalS3 s3) {
    return s3.retriever();
  }

  /** Returns the names of live threads that belong to Retriever's pipelines. */
  static Set<String> pipelineThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("retriever-"))
        .collect(Collectors.toSet());
  }

  /**
   * Returns the names of live threads that belong to one download: all of Retriever's but the
   * downloader workers and the controller, which a Retriever keeps until it is closed.
   */
  static Set<String> downloadThreads() {
    return pipelineThreads().stream()
        .filter(name -> !name.startsWith("retriever-downloader-"))
        .filter(name -> !name.equals("retriever-controller"))
        .collect(Collectors.toSet());
  }
}
