package io.retriever.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;
import org.junit.jupiter.api.Test;

/** Combining the CRCs of consecutive ranges gives the CRC of the whole. */
class Crc32sTest {
  private static long crc(Checksum c, byte[] b, int from, int to) {
    c.reset();
    c.update(b, from, to - from);
    return c.getValue();
  }

  @Test
  void combine_matchesTheCrcOfTheWhole() {
    Random random = new Random(7);
    byte[] bytes = new byte[300_000];
    random.nextBytes(bytes);
    for (int trial = 0; trial < 50; trial++) {
      int a = random.nextInt(bytes.length);
      int b = a + random.nextInt(bytes.length - a + 1);
      for (boolean castagnoli : new boolean[] {false, true}) {
        Checksum c = castagnoli ? new CRC32C() : new CRC32();
        int poly = castagnoli ? Crc32s.CRC32C : Crc32s.CRC32;
        long whole = crc(c, bytes, 0, b);
        long combined = Crc32s.combine(crc(c, bytes, 0, a), crc(c, bytes, a, b), b - a, poly);
        assertThat(combined).as("split at %d of %d", a, b).isEqualTo(whole);
      }
    }
  }
}
