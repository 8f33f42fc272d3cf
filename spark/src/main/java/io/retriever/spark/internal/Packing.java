package io.retriever.spark.internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs listed objects into work units balanced by bytes and by count, without gathering them: each
 * object costs its bytes plus a fixed cost per object (a GET's round trip is worth about that many
 * bytes), and objects fill the units in listing order, a unit taking the objects whose cost falls
 * in its share of the total. The driver needs only each listing partition's total to know where
 * that partition starts.
 *
 * <p>An object whose bytes run across several units' shares is split at the units' boundaries into
 * byte ranges, one per unit, none shorter than the split size (shorter ones join a neighbour): one
 * large object among small ones does not make one task the straggler.
 *
 * @param offsets the cost before each listing partition
 * @param perUnit the cost each unit takes
 * @param units how many units
 */
record Packing(long[] offsets, double perUnit, int units) implements Serializable {
  /** What one object costs beyond its bytes: about one round trip of a GET at 1 Gbit/s. */
  static final long OBJECT_COST = 256 << 10;

  /** Most objects in a unit, so that a task's outcomes and file list stay small. */
  static final long MAX_UNIT_OBJECTS = 20_000;

  /** Most bytes in a unit (one object larger than this is a unit of its own). */
  static final long MAX_UNIT_BYTES = 16L << 30;

  /** Returns what {@code size} bytes cost as one object. */
  static long cost(long size) {
    return size + OBJECT_COST;
  }

  /**
   * Plans units for listing partitions of these totals: at least {@code minUnits}, more when the
   * objects or bytes are many, never more than there are objects and pieces of {@code splitSize}
   * bytes (0: objects stay whole).
   */
  static Packing of(Totals[] partitions, int minUnits, long splitSize) {
    long[] offsets = new long[partitions.length];
    long cost = 0;
    long objects = 0;
    long bytes = 0;
    for (Totals t : partitions) {
      offsets[t.partition()] = cost;
      cost += t.cost();
      objects += t.objects();
      bytes += t.bytes();
    }
    long wanted =
        Math.max(minUnits, Math.max(ceil(objects, MAX_UNIT_OBJECTS), ceil(bytes, MAX_UNIT_BYTES)));
    long most = splitSize > 0 ? Math.max(objects, bytes / splitSize) : objects;
    int units = (int) Math.max(1, Math.min(Math.min(wanted, most), Integer.MAX_VALUE));
    return new Packing(offsets, Math.max(1.0, (double) cost / units), units);
  }

  /** Returns the unit of an object whose cost starts at {@code offset} and runs {@code cost}. */
  int unitOf(long offset, long cost) {
    // By the middle of the object: a large object goes where most of it falls.
    int unit = (int) ((offset + cost / 2.0) / perUnit);
    return Math.min(units - 1, Math.max(0, unit));
  }

  /**
   * Returns the work of an object whose cost starts at {@code offset}: the whole object in one
   * unit, or byte ranges of at least {@code splitSize} bytes cut at the units' boundaries, each in
   * the unit where it falls. A {@code splitSize} of 0 keeps every object whole.
   */
  List<Assigned> assign(long offset, ListedObject object, long splitSize) {
    long size = object.size();
    long first = offset + OBJECT_COST; // The object's byte 0, in cost.
    List<Long> cuts = new ArrayList<>();
    if (splitSize > 0 && size >= 2 * splitSize) {
      long last = 0;
      for (long k = (long) Math.floor(first / perUnit) + 1; k * perUnit < first + size; k++) {
        long cut = (long) Math.ceil(k * perUnit) - first;
        if (cut - last >= splitSize && size - cut >= splitSize) {
          cuts.add(cut);
          last = cut;
        }
      }
    }
    if (cuts.isEmpty()) {
      return List.of(new Assigned(unitOf(offset, cost(size)), WorkItem.whole(object)));
    }
    cuts.add(size);
    List<Assigned> pieces = new ArrayList<>(cuts.size());
    long start = 0;
    for (long end : cuts) {
      WorkItem piece = new WorkItem(object, start, end, cuts.size());
      pieces.add(new Assigned(unitOf(first + start, end - start), piece));
      start = end;
    }
    return pieces;
  }

  /** A work item and the unit that does it. */
  record Assigned(int unit, WorkItem item) {}

  private static long ceil(long a, long b) {
    return (a + b - 1) / b;
  }

  /** The objects, bytes and cost of one listing partition. */
  record Totals(int partition, long objects, long bytes, long cost) implements Serializable {}
}
