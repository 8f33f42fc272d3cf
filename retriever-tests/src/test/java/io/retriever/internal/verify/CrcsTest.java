package io.retriever.internal.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.Checksum;
import org.junit.jupiter.api.Test;

/** S3's full-object CRCs, and combining the CRCs of consecutive ranges into the whole's. */
class CrcsTest {
  private static long crc(String algorithm, byte[] b, int from, int to) {
    Checksum c = Crcs.newChecksum(algorithm);
    c.update(b, from, to - from);
    return c.getValue();
  }

  @Test
  void crc64Nvme_matchesItsCheckValue() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertThat(crc("CRC64NVME", check, 0, check.length)).isEqualTo(0xAE8B14860A799888L);
    Checksum bytewise = Crcs.newChecksum("CRC64NVME");
    for (byte b : check) {
      bytewise.update(b);
    }
    assertThat(bytewise.getValue()).isEqualTo(0xAE8B14860A799888L);
  }

  @Test
  void crc64Nvme_inBulk_matchesByteByByte_atAnyOffsetAndLength() {
    Random random = new Random(11);
    byte[] bytes = new byte[70_000];
    random.nextBytes(bytes);
    for (int trial = 0; trial < 200; trial++) {
      int off = random.nextInt(64);
      int len = trial < 40 ? trial : random.nextInt(bytes.length - off);
      Checksum bytewise = Crcs.newChecksum("CRC64NVME");
      for (int i = off; i < off + len; i++) {
        bytewise.update(bytes[i]);
      }
      assertThat(crc("CRC64NVME", bytes, off, off + len))
          .as("%d bytes at %d", len, off)
          .isEqualTo(bytewise.getValue());
    }
  }

  @Test
  void combine_matchesTheCrcOfTheWhole() {
    Random random = new Random(7);
    byte[] bytes = new byte[300_000];
    random.nextBytes(bytes);
    for (int trial = 0; trial < 40; trial++) {
      int a = random.nextInt(bytes.length);
      int b = a + random.nextInt(bytes.length - a + 1);
      for (String algorithm : new String[] {"CRC32", "CRC32C", "CRC64NVME"}) {
        long whole = crc(algorithm, bytes, 0, b);
        long combined =
            Crcs.combine(
                crc(algorithm, bytes, 0, a), crc(algorithm, bytes, a, b), b - a, algorithm);
        assertThat(combined).as("%s split at %d of %d", algorithm, a, b).isEqualTo(whole);
      }
    }
  }
}
