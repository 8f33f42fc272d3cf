package io.retriever.internal.verify;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/*
 * The combination is zlib's crc32_combine, widened to 64 bits: appending n zero bits to a CRC is a
 * linear map over GF(2), applied by repeated squaring of the one-zero-bit matrix, and then the CRC
 * of the second range is added. It holds for every reflected CRC with an all-ones initial value and
 * final xor: CRC-32, CRC-32C and CRC-64/NVME alike.
 */
/**
 * The CRCs S3 keeps as full-object checksums, and the combination of CRCs of consecutive ranges.
 */
public final class Crcs {
  /** The reflected polynomial of CRC-32 (java.util.zip.CRC32). */
  static final long CRC32 = 0xEDB88320L;

  /** The reflected polynomial of CRC-32C (java.util.zip.CRC32C). */
  static final long CRC32C = 0x82F63B78L;

  /** The reflected polynomial of CRC-64/NVME. */
  static final long CRC64NVME = 0x9A6C9329AC4BC9B5L;

  private Crcs() {}

  /** Returns whether Retriever can check a full-object checksum of this algorithm in ranges. */
  public static boolean combinable(String algorithm) {
    return "CRC32".equals(algorithm) || "CRC32C".equals(algorithm) || "CRC64NVME".equals(algorithm);
  }

  /** Returns a new checksum of a combinable algorithm. */
  public static Checksum newChecksum(String algorithm) {
    return switch (algorithm) {
      case "CRC32" -> new CRC32();
      case "CRC32C" -> new CRC32C();
      case "CRC64NVME" -> new Crc64Nvme();
      default -> throw new IllegalArgumentException("not combinable: " + algorithm);
    };
  }

  /** Returns the CRC of A followed by B, from the CRC of A, the CRC of B and B's length. */
  static long combine(long crcA, long crcB, long lengthB, String algorithm) {
    return switch (algorithm) {
      case "CRC32" -> combine(crcA, crcB, lengthB, CRC32, 32);
      case "CRC32C" -> combine(crcA, crcB, lengthB, CRC32C, 32);
      case "CRC64NVME" -> combine(crcA, crcB, lengthB, CRC64NVME, 64);
      default -> throw new IllegalArgumentException("not combinable: " + algorithm);
    };
  }

  /** Combines two CRCs of a reflected polynomial of {@code width} bits. */
  static long combine(long crcA, long crcB, long lengthB, long polynomial, int width) {
    if (lengthB <= 0) {
      return crcA;
    }
    long[] even = new long[width];
    long[] odd = new long[width];
    odd[0] = polynomial;
    long row = 1;
    for (int n = 1; n < width; n++) {
      odd[n] = row;
      row <<= 1;
    }
    square(even, odd); // two zero bits
    square(odd, even); // four zero bits
    long crc = crcA;
    long length = lengthB;
    do {
      square(even, odd); // one zero byte, then 2, 4, ... bytes
      if ((length & 1) != 0) {
        crc = times(even, crc);
      }
      length >>= 1;
      if (length == 0) {
        break;
      }
      square(odd, even);
      if ((length & 1) != 0) {
        crc = times(odd, crc);
      }
      length >>= 1;
    } while (length != 0);
    return crc ^ crcB;
  }

  private static long times(long[] matrix, long vector) {
    long sum = 0;
    for (int i = 0; vector != 0; i++, vector >>>= 1) {
      if ((vector & 1) != 0) {
        sum ^= matrix[i];
      }
    }
    return sum;
  }

  private static void square(long[] result, long[] matrix) {
    for (int n = 0; n < matrix.length; n++) {
      result[n] = times(matrix, matrix[n]);
    }
  }

  /** CRC-64/NVME (what S3 computes for objects uploaded without a checksum), slice by 16. */
  static final class Crc64Nvme implements Checksum {
    private static final long[][] TABLES = tables();

    /** Reads eight bytes at once, little-endian: 1.4 times faster than assembling them in C1. */
    private static final VarHandle LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private long crc = -1L;

    private static long[][] tables() {
      long[][] t = new long[16][256];
      for (int i = 0; i < 256; i++) {
        long c = i;
        for (int k = 0; k < 8; k++) {
          c = (c & 1) != 0 ? (c >>> 1) ^ CRC64NVME : c >>> 1;
        }
        t[0][i] = c;
      }
      for (int i = 0; i < 256; i++) {
        for (int s = 1; s < 16; s++) {
          t[s][i] = (t[s - 1][i] >>> 8) ^ t[0][(int) (t[s - 1][i] & 0xFF)];
        }
      }
      return t;
    }

    @Override
    public void update(int b) {
      crc = (crc >>> 8) ^ TABLES[0][(int) ((crc ^ b) & 0xFF)];
    }

    @Override
    public void update(byte[] b, int off, int len) {
      long c = crc;
      long[][] t = TABLES;
      int i = off;
      int end = off + len;
      for (; i + 16 <= end; i += 16) {
        long x = c ^ (long) LONGS.get(b, i);
        long y = (long) LONGS.get(b, i + 8);
        c =
            t[15][(int) (x & 0xFF)]
                ^ t[14][(int) ((x >>> 8) & 0xFF)]
                ^ t[13][(int) ((x >>> 16) & 0xFF)]
                ^ t[12][(int) ((x >>> 24) & 0xFF)]
                ^ t[11][(int) ((x >>> 32) & 0xFF)]
                ^ t[10][(int) ((x >>> 40) & 0xFF)]
                ^ t[9][(int) ((x >>> 48) & 0xFF)]
                ^ t[8][(int) (x >>> 56)]
                ^ t[7][(int) (y & 0xFF)]
                ^ t[6][(int) ((y >>> 8) & 0xFF)]
                ^ t[5][(int) ((y >>> 16) & 0xFF)]
                ^ t[4][(int) ((y >>> 24) & 0xFF)]
                ^ t[3][(int) ((y >>> 32) & 0xFF)]
                ^ t[2][(int) ((y >>> 40) & 0xFF)]
                ^ t[1][(int) ((y >>> 48) & 0xFF)]
                ^ t[0][(int) (y >>> 56)];
      }
      for (; i < end; i++) {
        c = (c >>> 8) ^ t[0][(int) ((c ^ b[i]) & 0xFF)];
      }
      crc = c;
    }

    @Override
    public long getValue() {
      return ~crc;
    }

    @Override
    public void reset() {
      crc = -1L;
    }
  }
}
