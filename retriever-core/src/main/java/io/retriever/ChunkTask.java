package io.retriever;

/**
 * One ranged GET of an object: bytes {@code [offset, offset + length)}.
 *
 * @param object the object the range belongs to
 * @param index the chunk's position in the object, from 0
 * @param count how many chunks the object has
 * @param offset the first byte of the range within the object
 * @param length the number of bytes in the range
 */
public record ChunkTask(ObjectInfo object, int index, int count, long offset, int length) {

  /** Returns whether this chunk is the object's whole content. */
  public boolean wholeObject() {
    return offset == 0 && length == object.size();
  }
}
