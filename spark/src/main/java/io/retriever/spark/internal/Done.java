package io.retriever.spark.internal;

import io.retriever.spark.ObjectOutcome;
import java.io.Serializable;

/**
 * What a work unit did with one of its items: a whole object's outcome, or a piece of a split
 * object written into the object's temporary file (or found already in place, or failed), which the
 * object's commit then takes with its other pieces.
 *
 * @param outcome a whole object's outcome, or null for a piece
 * @param piece the piece, or null for a whole object
 * @param error why the piece failed, or null
 * @param upToDate whether the piece found the object's file already holding its version
 * @param unit the work unit that did it
 */
record Done(ObjectOutcome outcome, WorkItem piece, String error, boolean upToDate, int unit)
    implements Serializable {
  static Done of(ObjectOutcome outcome) {
    return new Done(outcome, null, null, false, outcome.unit());
  }

  static Done written(WorkItem piece, int unit) {
    return new Done(null, piece, null, false, unit);
  }

  static Done inPlace(WorkItem piece, int unit) {
    return new Done(null, piece, null, true, unit);
  }

  static Done failed(WorkItem piece, String error, int unit) {
    return new Done(null, piece, error, false, unit);
  }

  /** Returns the bytes the unit fetched or found in place for this item. */
  long bytes() {
    return outcome != null ? outcome.bytes() : piece.length();
  }
}
