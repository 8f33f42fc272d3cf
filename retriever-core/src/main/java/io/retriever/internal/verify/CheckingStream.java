package io.retriever.internal.verify;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.zip.Checksum;

/** Feeds the bytes read through it to a digest, a CRC or both, on their way to the sink. */
public final class CheckingStream extends FilterInputStream {
  private final MessageDigest digest;
  private final Checksum crc;

  private CheckingStream(InputStream in, MessageDigest digest, Checksum crc) {
    super(in);
    this.digest = digest;
    this.crc = crc;
  }

  /**
   * Returns {@code in}, feeding what is read to {@code digest} and {@code crc}, either of which may
   * be null; {@code in} itself when both are.
   */
  public static InputStream of(InputStream in, MessageDigest digest, Checksum crc) {
    return digest == null && crc == null ? in : new CheckingStream(in, digest, crc);
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      if (digest != null) {
        digest.update((byte) b);
      }
      if (crc != null) {
        crc.update(b);
      }
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      if (digest != null) {
        digest.update(b, off, n);
      }
      if (crc != null) {
        crc.update(b, off, n);
      }
    }
    return n;
  }
}
