package io.retriever.spark;

import java.io.Serializable;

/**
 * What became of one object of a distributed download: one row of {@link SparkDownload#outcomes()}.
 *
 * @param key the object's key
 * @param bytes its size as listed
 * @param path where it is (or would have been) on the destination
 * @param status {@link #DOWNLOADED}, {@link #UP_TO_DATE} or {@link #FAILED}
 * @param error why it failed; for an object downloaded whose bytes could not be checked, {@link
 *     #NOT_VERIFIED} and why; else {@code null}
 * @param unit the work unit (Spark partition) that handled it
 */
public record ObjectOutcome(
    String key, long bytes, String path, String status, String error, int unit)
    implements Serializable {
  /** The object was downloaded and is in place. */
  public static final String DOWNLOADED = "downloaded";

  /** The file was already this version of the object, as a rerun or a task retry finds it. */
  public static final String UP_TO_DATE = "up-to-date";

  /** The object could not be written; {@code error} says why. */
  public static final String FAILED = "failed";

  /** What {@code error} begins with for an object downloaded whose bytes could not be checked. */
  public static final String NOT_VERIFIED = "not verified: ";

  /** Returns whether the object is in place and its bytes could not be checked. */
  public boolean unverified() {
    return DOWNLOADED.equals(status) && error != null && error.startsWith(NOT_VERIFIED);
  }

  /** Returns whether the object is in place at {@code path}. */
  public boolean succeeded() {
    return !FAILED.equals(status);
  }
}
