package io.retriever.spark.internal;

import java.io.Serializable;
import java.util.List;

/**
 * A part of the key space that one listing task lists: every key under {@code prefix} after {@code
 * startAfter} up to {@code upTo}, less those under {@code excluded}; or, when {@code known} is not
 * empty, exactly those objects, which the driver already listed.
 *
 * <p>The ranges of a plan never overlap and together hold every key under the download's prefix.
 *
 * @param prefix the prefix to list
 * @param startAfter keys up to this one are not in the range, or {@code null}
 * @param upTo keys after this one are not in the range, or {@code null}
 * @param excluded keys under this prefix belong to another range, or {@code null}
 * @param known objects the driver listed, or empty
 */
public record KeyRange(
    String prefix, String startAfter, String upTo, String excluded, List<ListedObject> known)
    implements Serializable {

  /** Copies the known objects. */
  public KeyRange {
    known = List.copyOf(known);
  }

  /** Returns the range of every key under {@code folder}. */
  public static KeyRange folder(String folder) {
    return new KeyRange(folder, null, null, null, List.of());
  }

  /** Returns a range of objects the driver listed already. */
  public static KeyRange known(List<ListedObject> objects) {
    return new KeyRange("", null, null, null, objects);
  }

  /** Returns whether {@code key}, listed from {@link #prefix}, belongs to this range. */
  boolean holds(String key) {
    return (startAfter == null || Keys.compare(key, startAfter) > 0)
        && (upTo == null || Keys.compare(key, upTo) <= 0)
        && (excluded == null || !key.startsWith(excluded));
  }

  /** Returns whether no key of the listing after {@code key} can belong to this range. */
  boolean endsBefore(String key) {
    return upTo != null && Keys.compare(key, upTo) > 0;
  }

  @Override
  public String toString() {
    if (!known.isEmpty()) {
      return known.size() + " listed objects";
    }
    return prefix
        + (startAfter == null ? "" : " after " + startAfter)
        + (upTo == null ? "" : " up to " + upTo)
        + (excluded == null ? "" : " but " + excluded);
  }
}
