package io.retriever.internal.verify;

import io.retriever.ObjectInfo;
import io.retriever.hook.ChunkLayout;
import io.retriever.internal.s3.S3Access;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a multipart upload was cut into parts: every part of {@code partSize} bytes but the last,
 * which holds the rest. An object uploaded by the AWS CLI, boto3, the SDKs' transfer managers,
 * rclone or s5cmd is cut so.
 *
 * @param size the object's size
 * @param partSize the size of every part but the last
 * @param count how many parts
 * @param learned whether the store said so (a HEAD of part 1); false when it was inferred from the
 *     size and the part count, which the ETag alone confirms
 */
public record PartLayout(long size, long partSize, int count, boolean learned) {
  /** The most parts S3 allows in one upload. */
  static final int MAX_PARTS = 10_000;

  /**
   * The part sizes uploaders use, the likeliest first: the AWS CLI, boto3 and the SDKs' transfer
   * managers (8 MiB, doubled until 10,000 parts hold the object), Go's and JavaScript's SDKs and
   * rclone (5 MiB), MinIO's client (16 MiB), s5cmd (50 MiB), and the round sizes people configure.
   */
  private static final long[] COMMON_MIB = {
    8, 5, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 50, 10, 15, 25, 100, 200, 250, 500
  };

  private static final long MIB = 1 << 20;

  /** Checks that the parts cover the object: every part but the last full, the last not empty. */
  public PartLayout {
    if (!fits(size, partSize, count)) {
      throw new IllegalArgumentException(
          count + " parts of " + partSize + " bytes cannot make an object of " + size);
    }
  }

  /** Returns whether {@code count} parts of {@code partSize} bytes, the last shorter, make size. */
  static boolean fits(long size, long partSize, int count) {
    return count >= 1
        && count <= MAX_PARTS
        && partSize >= 1
        && (count - 1) * partSize < size
        && size <= count * partSize;
  }

  /**
   * Returns the layout a store stated: {@code firstPart} bytes in part 1 of {@code count}, or null
   * when those cannot be parts of equal size that make the object.
   */
  public static PartLayout stated(long size, long firstPart, int count) {
    return fits(size, firstPart, count) ? new PartLayout(size, firstPart, count, true) : null;
  }

  /**
   * Returns the layouts an object of {@code size} bytes in {@code count} parts may have been
   * uploaded in, the likeliest first: those of the part sizes uploaders use that fit, then parts of
   * equal size as small as fit (as uploaders that cut an object into a number of parts do). One
   * part is the whole object; none fit an empty object.
   */
  public static List<PartLayout> infer(long size, int count) {
    List<PartLayout> fitting = new ArrayList<>(2);
    if (count == 1) {
      if (size >= 1) {
        fitting.add(new PartLayout(size, size, 1, true));
      }
      return fitting;
    }
    for (long mib : COMMON_MIB) {
      if (fits(size, mib * MIB, count)) {
        fitting.add(new PartLayout(size, mib * MIB, count, false));
      }
    }
    long equal = (size + count - 1) / count;
    if (fits(size, equal, count) && fitting.stream().noneMatch(p -> p.partSize() == equal)) {
      fitting.add(new PartLayout(size, equal, count, false));
    }
    return fitting;
  }

  /**
   * Returns the layouts a multipart upload may have: the one the store states for it (a HEAD of
   * part 1), else those its size allows, the likeliest first; empty when none can be had.
   */
  public static List<PartLayout> learn(S3Access s3, ObjectInfo object, int count) {
    if (count > 1) {
      S3Access.FirstPart first = s3.firstPart(object);
      if (first != null && first.parts() == count) {
        PartLayout stated = stated(object.size(), first.length(), count);
        if (stated != null) {
          return List.of(stated);
        }
      }
    }
    return infer(object.size(), count);
  }

  /** Returns where part {@code index} (from 0) starts. */
  public long offset(int index) {
    return index * partSize;
  }

  /** Returns how many bytes part {@code index} (from 0) holds. */
  public long length(int index) {
    return index < count - 1 ? partSize : size - (count - 1) * partSize;
  }

  /**
   * Returns the object cut along its parts, each part in as few chunks of at most {@code chunkSize}
   * bytes as hold it, of equal length give or take a byte: every part then begins a chunk, so that
   * a chunk holding a whole part can be hashed as it arrives.
   */
  public ChunkLayout chunks(int chunkSize) {
    long[] starts = new long[chunkCount(chunkSize)];
    int n = 0;
    for (int part = 0; part < count; part++) {
      long length = length(part);
      int pieces = (int) ((length + chunkSize - 1) / chunkSize);
      for (int piece = 0; piece < pieces; piece++) {
        starts[n++] = offset(part) + length * piece / pieces;
      }
    }
    return ChunkLayout.of(size, starts);
  }

  private int chunkCount(int chunkSize) {
    long chunks = 0;
    for (int part = 0; part < count; part++) {
      chunks += (length(part) + chunkSize - 1) / chunkSize;
    }
    if (chunks > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many chunks of " + chunkSize + " bytes: " + chunks);
    }
    return (int) chunks;
  }

  /** Describes the layout for people: {@code 128 parts of 8 MiB}. */
  public String describe() {
    String part =
        partSize % MIB == 0
            ? (partSize / MIB) + " MiB"
            : String.format(Locale.ROOT, "%,d bytes", partSize);
    return count + (count == 1 ? " part of " : " parts of ") + part;
  }
}
