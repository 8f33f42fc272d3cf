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

  /** Returns {@code size} pseudo-random bytes that depend only on {@code seed}. */
  public static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    SplittableRandom random = new SplittableRandom(seed);
    int i = 0;
    for (; i + 8 <= size; i += 8) {
      long v = random.nextLong();
      for (int b = 0; b < 8; b++) {
        bytes[i + b] = (byte) (v >>> (8 * b));
      }
    }
    for (; i < size; i++) {
      bytes[i] = (byte) random.nextInt();
    }
    return bytes;
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
