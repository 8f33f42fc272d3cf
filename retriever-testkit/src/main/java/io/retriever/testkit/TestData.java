package io.retriever.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Generates incompressible bytes from a seed and hashes bytes, files and streams. */
public final class TestData {
  private TestData() {}

  /**
   * Returns a stream of {@code size} pseudo-random, incompressible bytes that depend only on {@code
   * seed}, whatever the sizes of the reads; nothing is held in memory.
   */
  public static InputStream randomStream(long size, long seed) {
    return new InputStream() {
      private final SplittableRandom random = new SplittableRandom(seed);
      private long left = size;

      /** The unread bytes of the last random word, lowest first. */
      private long word;

      private int wordLeft;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) {
          if (wordLeft == 0) {
            word = random.nextLong();
            wordLeft = 8;
          }
          b[off + i] = (byte) word;
          word >>>= 8;
          wordLeft--;
        }
        left -= n;
        return n;
      }
    };
  }

  /** Returns the SHA-256 of {@code bytes} as lower-case hex. */
  public static String sha256(byte[] bytes) {
    MessageDigest digest = newDigest();
    digest.update(bytes);
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Reads {@code in} to its end and returns the SHA-256 of what it read as lower-case hex. */
  public static String sha256(InputStream in) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Returns the SHA-256 of a file's content as lower-case hex. */
  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in);
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java runtime has SHA-256", e);
    }
  }
}
