package io.retriever.internal.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The MD5 for JVMs without C2 gives the JDK's digest for any input, however it is fed. */
class Md5Test {
  private static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  private static String jdk(byte[] bytes, int from, int to) throws Exception {
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    md5.update(bytes, from, to - from);
    return hex(md5.digest());
  }

  @Test
  void md5_matchesRfc1321sTestSuite() {
    String[][] suite = {
      {"", "d41d8cd98f00b204e9800998ecf8427e"},
      {"a", "0cc175b9c0f1b6a831c399e269772661"},
      {"abc", "900150983cd24fb0d6963f7d28e17f72"},
      {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
      {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
      {
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
        "57edf4a22be3c955ac49da2e2107b67a"
      },
    };
    for (String[] c : suite) {
      Md5 md5 = new Md5();
      md5.update(c[0].getBytes(StandardCharsets.US_ASCII));
      assertThat(hex(md5.digest())).as(c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void md5_ofAnyLengthAndOffset_fedInAnyPieces_matchesTheJdks() throws Exception {
    Random random = new Random(5);
    byte[] bytes = new byte[300_000];
    random.nextBytes(bytes);
    for (int trial = 0; trial < 300; trial++) {
      int from = random.nextInt(100);
      int length = trial < 140 ? trial : random.nextInt(bytes.length - from);
      Md5 md5 = new Md5();
      for (int at = from; at < from + length; ) {
        int piece = Math.min(from + length - at, random.nextInt(trial % 3 == 0 ? 3 : 70_000) + 1);
        if (piece == 1 && trial % 2 == 0) {
          md5.update(bytes[at]);
        } else if (trial % 5 == 0) {
          md5.update(ByteBuffer.wrap(bytes, at, piece));
        } else {
          md5.update(bytes, at, piece);
        }
        at += piece;
      }
      assertThat(hex(md5.digest()))
          .as("%d bytes from %d", length, from)
          .isEqualTo(jdk(bytes, from, from + length));
    }
  }

  @Test
  void md5_startsOverAfterEachDigest_andCopiesCarryOn() throws Exception {
    byte[] bytes = new byte[1000];
    new Random(9).nextBytes(bytes);
    Md5 md5 = new Md5();
    md5.update(bytes, 0, 100);
    MessageDigest copy = (MessageDigest) md5.clone();
    copy.update(bytes, 100, 900);
    assertThat(hex(copy.digest())).isEqualTo(jdk(bytes, 0, 1000));
    assertThat(hex(md5.digest())).isEqualTo(jdk(bytes, 0, 100));
    md5.update(bytes, 0, 1000);
    assertThat(hex(md5.digest())).isEqualTo(jdk(bytes, 0, 1000));
    md5.update(bytes, 0, 5);
    md5.reset();
    assertThat(hex(md5.digest())).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
  }
}
