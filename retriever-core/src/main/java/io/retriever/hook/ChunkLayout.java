package io.retriever.hook;

import java.util.Arrays;

/**
 * How one object is cut into ranged GETs: contiguous ranges that cover the object in order, each of
 * at least one byte (none for an empty object). Chunk {@code i} is the bytes {@code [offset(i),
 * offset(i) + length(i))}.
 *
 * <p>A {@link #uniform} layout is two numbers, whatever the object's size; one made {@link #of}
 * boundaries holds one {@code long} per chunk. Layouts are immutable.
 */
public final class ChunkLayout {
  /** The object's size in bytes. */
  private final long size;

  /** The length of every chunk but the last, for a uniform layout; 0 otherwise. */
  private final int uniform;

  /** Where each chunk starts, for a layout of boundaries; null for a uniform one. */
  private final long[] starts;

  /** How many chunks. */
  private final int count;

  /** The longest chunk's length. */
  private final int longest;

  private ChunkLayout(long size, int uniform, long[] starts, int count, int longest) {
    this.size = size;
    this.uniform = uniform;
    this.starts = starts;
    this.count = count;
    this.longest = longest;
  }

  /**
   * Returns the layout of ranges of {@code chunkSize} bytes, the last one shorter: how objects are
   * cut by default.
   *
   * @throws IllegalArgumentException if {@code size} is negative, {@code chunkSize} is not
   *     positive, or the object would have more than {@link Integer#MAX_VALUE} chunks
   */
  public static ChunkLayout uniform(long size, int chunkSize) {
    if (size < 0 || chunkSize < 1) {
      throw new IllegalArgumentException(
          "a uniform layout needs a size of 0 or more and a chunk size of 1 or more, got "
              + size
              + " and "
              + chunkSize);
    }
    long count = size / chunkSize + (size % chunkSize == 0 ? 0 : 1);
    if (count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "too many chunks (" + count + ") of " + chunkSize + " bytes for " + size + " bytes");
    }
    return new ChunkLayout(size, chunkSize, null, (int) count, (int) Math.min(size, chunkSize));
  }

  /**
   * Returns the layout whose chunks start at {@code starts}, for an object of {@code size} bytes:
   * the first at 0, each after the one before, all before {@code size}; the last chunk ends at
   * {@code size}. An empty object has no chunks: no starts.
   *
   * @throws IllegalArgumentException if the starts are not so, or a chunk would be longer than
   *     {@link Integer#MAX_VALUE} bytes
   */
  public static ChunkLayout of(long size, long... starts) {
    long[] copy = starts.clone();
    if (size < 0) {
      throw new IllegalArgumentException("the size must be 0 or more, got " + size);
    }
    if (size == 0 || copy.length == 0) {
      if (size != 0 || copy.length != 0) {
        throw new IllegalArgumentException(
            "an empty object has no chunks and any other has some; got "
                + copy.length
                + " starts for "
                + size
                + " bytes");
      }
      return new ChunkLayout(0, 0, copy, 0, 0);
    }
    if (copy[0] != 0) {
      throw new IllegalArgumentException("the first chunk must start at 0, not " + copy[0]);
    }
    long longest = 0;
    for (int i = 0; i < copy.length; i++) {
      long end = i + 1 < copy.length ? copy[i + 1] : size;
      if (end <= copy[i]) {
        throw new IllegalArgumentException(
            "chunk "
                + i
                + " starts at "
                + copy[i]
                + " but the next "
                + (i + 1 < copy.length ? "starts" : "byte after the object is")
                + " at "
                + end
                + ": starts must rise, each below the size");
      }
      longest = Math.max(longest, end - copy[i]);
    }
    if (longest > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a chunk of " + longest + " bytes is longer than one GET can hold");
    }
    return new ChunkLayout(size, 0, copy, copy.length, (int) longest);
  }

  /** Returns the size of the object the layout covers. */
  public long size() {
    return size;
  }

  /** Returns how many chunks the object is cut into (0 for an empty object). */
  public int count() {
    return count;
  }

  /** Returns where chunk {@code index} starts in the object. */
  public long offset(int index) {
    check(index);
    return starts == null ? (long) index * uniform : starts[index];
  }

  /** Returns how many bytes chunk {@code index} holds. */
  public int length(int index) {
    check(index);
    long start = offset(index);
    long end = index + 1 < count ? offset(index + 1) : size;
    return (int) (end - start);
  }

  /** Returns how many bytes the longest chunk holds (0 for an empty object). */
  public int longest() {
    return longest;
  }

  /**
   * Returns a short text naming where the chunks start: two layouts of one object with the same
   * fingerprint cut it the same way. A layout cut like {@link #uniform} gives its chunk size in
   * decimal, however it was made.
   */
  public String fingerprint() {
    if (starts == null) {
      return Integer.toString(uniform);
    }
    int first = count > 1 ? (int) starts[1] : longest;
    boolean asUniform = true;
    for (int i = 1; i < count - 1 && asUniform; i++) {
      asUniform = starts[i + 1] - starts[i] == first;
    }
    if (asUniform && longest == first) {
      return Integer.toString(first);
    }
    // FNV-1a over the starts and the size, 64 bits: a rerun compares it with its own layout's.
    long hash = 0xcbf29ce484222325L;
    for (long start : starts) {
      hash = (hash ^ start) * 0x100000001b3L;
    }
    hash = (hash ^ size) * 0x100000001b3L;
    return "L" + count + "-" + Long.toHexString(hash);
  }

  private void check(int index) {
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException("chunk " + index + " of " + count);
    }
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof ChunkLayout that) || size != that.size || count != that.count) {
      return false;
    }
    if (starts == null && that.starts == null) {
      return uniform == that.uniform || count <= 1;
    }
    for (int i = 0; i < count; i++) {
      if (offset(i) != that.offset(i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(size) * 31 + count;
  }

  @Override
  public String toString() {
    if (starts == null) {
      return "ChunkLayout.uniform(" + size + ", " + uniform + ")";
    }
    return "ChunkLayout.of(" + size + ", " + Arrays.toString(starts) + ")";
  }
}
