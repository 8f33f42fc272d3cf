package io.retriever.internal.pipeline;

/*
 * The combination is zlib's crc32_combine: appending len2 zero bits to crc1 is a linear map over
 * GF(2), applied by repeated squaring of the one-zero-bit matrix, then crc2 is added. It holds for
 * every reflected 32-bit CRC with all-ones initial value and final xor, so CRC-32 and CRC-32C alike.
 */
/** Combines the CRCs of consecutive byte ranges into the CRC of the whole. */
final class Crc32s {
  /** The reflected polynomial of CRC-32 (java.util.zip.CRC32). */
  static final int CRC32 = 0xEDB88320;

  /** The reflected polynomial of CRC-32C (java.util.zip.CRC32C). */
  static final int CRC32C = 0x82F63B78;

  private Crc32s() {}

  /** Returns the CRC of A followed by B, from the CRC of A, the CRC of B and B's length. */
  static long combine(long crcA, long crcB, long lengthB, int polynomial) {
    if (lengthB <= 0) {
      return crcA;
    }
    long[] even = new long[32];
    long[] odd = new long[32];
    odd[0] = polynomial & 0xFFFFFFFFL;
    long row = 1;
    for (int n = 1; n < 32; n++) {
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
    for (int n = 0; n < 32; n++) {
      result[n] = times(matrix, matrix[n]);
    }
  }
}
