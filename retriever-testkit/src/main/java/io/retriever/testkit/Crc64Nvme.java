package io.retriever.testkit;

import java.util.zip.Checksum;

/**
 * Computes CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5, all-ones initial value and final
 * xor), the full-object checksum S3 gives new objects. The test kit has its own, a plain table
 * implementation, so that the checksums it serves do not come from the code under test.
 *
 * <p>Not thread-safe.
 */
public final class Crc64Nvme implements Checksum {
  private static final long POLYNOMIAL = 0x9A6C9329AC4BC9B5L;
  private static final long[] TABLE = table();

  private long crc = -1L;

  private static long[] table() {
    long[] table = new long[256];
    for (int n = 0; n < 256; n++) {
      long c = n;
      for (int bit = 0; bit < 8; bit++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
      }
      table[n] = c;
    }
    return table;
  }

  @Override
  public void update(int b) {
    crc = TABLE[(int) ((crc ^ b) & 0xFF)] ^ (crc >>> 8);
  }

  @Override
  public void update(byte[] b, int off, int len) {
    long c = crc;
    for (int i = off; i < off + len; i++) {
      c = TABLE[(int) ((c ^ b[i]) & 0xFF)] ^ (c >>> 8);
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
