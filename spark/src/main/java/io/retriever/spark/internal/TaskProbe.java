package io.retriever.spark.internal;

/**
 * Lets a test see a download task from inside, in the executor JVM (a local Spark's is the test's
 * own): called after each file a unit completes, on the task's thread. A probe that throws fails
 * the task there, half-way, as a lost executor or a killed task would. Does nothing by default.
 */
public final class TaskProbe {
  /** Called on a task's thread after each file of its unit is in place. */
  @FunctionalInterface
  public interface Probe {
    void fileDone(int unit, int filesDone, int unitObjects);

    /** Called after a piece of a split object is written, before the next piece. */
    default void pieceWritten(int unit, String key, long start, long end) {}
  }

  private static final Probe NONE = (unit, filesDone, unitObjects) -> {};

  /** The probe in place: read by every task thread. */
  private static volatile Probe probe = NONE;

  private TaskProbe() {}

  /** Puts {@code probe} in place for every task of this JVM. */
  public static void set(Probe probe) {
    TaskProbe.probe = probe;
  }

  /** Removes the probe. */
  public static void reset() {
    probe = NONE;
  }

  static void pieceWritten(int unit, String key, long start, long end) {
    probe.pieceWritten(unit, key, start, end);
  }

  static void fileDone(int unit, int filesDone, int unitObjects) {
    probe.fileDone(unit, filesDone, unitObjects);
  }
}
