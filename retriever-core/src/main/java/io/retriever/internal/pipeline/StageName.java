package io.retriever.internal.pipeline;

/** The stable names of the pipeline's stages, used for threads, metrics and logs. */
public final class StageName {
  public static final String LISTER = "lister";
  public static final String CHUNKER = "chunker";
  public static final String DOWNLOADER = "downloader";
  public static final String SEQUENCER = "sequencer";
  public static final String SINK = "sink";
  public static final String FINISHER = "finisher";

  /** Threads that are not stages: progress reports, and the concurrency controller. */
  public static final String PROGRESS = "progress";

  public static final String CONTROLLER = "controller";

  private StageName() {}

  /** Returns the name of a thread of {@code stage}: {@code retriever-downloader-3}. */
  public static String thread(String stage, int index) {
    return "retriever-" + stage + (index < 0 ? "" : "-" + index);
  }
}
