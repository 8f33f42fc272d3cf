package io.retriever.spark.internal;

import java.io.Serializable;

/**
 * What one work unit does for one object: all of it, or the bytes {@code [start, end)} when the
 * object is split across units.
 *
 * @param pieces how many units share the object: 1 for a whole object
 */
record WorkItem(ListedObject object, long start, long end, int pieces) implements Serializable {
  /** Returns the whole object as one item. */
  static WorkItem whole(ListedObject object) {
    return new WorkItem(object, 0, object.size(), 1);
  }

  /** Returns whether the item is the whole object. */
  boolean isWhole() {
    return pieces == 1;
  }

  /** Returns how many bytes the item covers. */
  long length() {
    return end - start;
  }
}
