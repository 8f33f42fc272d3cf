package io.retriever.internal.verify;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;

/*
 * RFC 1321, written for a JVM without its optimising compiler. The JDK's MD5 is an intrinsic only
 * under C2; compiled by C1 (the launcher's JIT), its rounds run each step's operations one after
 * another. Here every step is arranged so that the part that does not depend on the step before
 * (the message word, the constant and the register being replaced) is summed first, and the round
 * function takes the fewest operations after its newest input: F as d ^ (b & (c ^ d)), G as the
 * sum of its two disjoint halves, H with b last, I with b before c. The processor then overlaps
 * the independent half with the dependent chain, which is what bounds MD5: about 1.5 times the
 * JDK's speed under C1 on the machines measured (BENCHMARKS.md, "Hashing"); under C2 the JDK's
 * intrinsic is faster still, and Hashes picks it there.
 */
/** MD5 as a {@link MessageDigest}, fast under the C1 compiler alone. */
final class Md5 extends MessageDigest implements Cloneable {
  /** Reads a block's sixteen words, little-endian. */
  private static final VarHandle WORDS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private static final int BLOCK = 64;

  private int a;
  private int b;
  private int c;
  private int d;

  /** Bytes hashed so far. */
  private long count;

  /** The start of a block not yet complete; its length is {@code count % 64}. */
  private byte[] pending = new byte[BLOCK];

  Md5() {
    super("MD5");
    engineReset();
  }

  @Override
  protected int engineGetDigestLength() {
    return 16;
  }

  @Override
  protected void engineReset() {
    a = 0x67452301;
    b = 0xefcdab89;
    c = 0x98badcfe;
    d = 0x10325476;
    count = 0;
  }

  @Override
  protected void engineUpdate(byte input) {
    int used = (int) (count & (BLOCK - 1));
    pending[used] = input;
    count++;
    if (used == BLOCK - 1) {
      blocks(pending, 0, BLOCK);
    }
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int length) {
    int used = (int) (count & (BLOCK - 1));
    count += length;
    if (used > 0) {
      int n = Math.min(length, BLOCK - used);
      System.arraycopy(input, offset, pending, used, n);
      offset += n;
      length -= n;
      if (used + n < BLOCK) {
        return;
      }
      blocks(pending, 0, BLOCK);
    }
    int whole = length & -BLOCK;
    blocks(input, offset, whole);
    System.arraycopy(input, offset + whole, pending, 0, length - whole);
  }

  @Override
  protected byte[] engineDigest() {
    long bits = count << 3;
    int used = (int) (count & (BLOCK - 1));
    byte[] tail = new byte[used < 56 ? BLOCK : 2 * BLOCK];
    System.arraycopy(pending, 0, tail, 0, used);
    tail[used] = (byte) 0x80;
    for (int i = 0; i < 8; i++) {
      tail[tail.length - 8 + i] = (byte) (bits >>> (8 * i));
    }
    blocks(tail, 0, tail.length);
    byte[] digest = new byte[16];
    int[] state = {a, b, c, d};
    for (int i = 0; i < 16; i++) {
      digest[i] = (byte) (state[i >> 2] >>> (8 * (i & 3)));
    }
    engineReset();
    return digest;
  }

  @Override
  public Object clone() throws CloneNotSupportedException {
    Md5 copy = (Md5) super.clone();
    copy.pending = pending.clone();
    return copy;
  }

  /** Hashes {@code length} bytes (a multiple of 64) from {@code offset}. */
  private void blocks(byte[] in, int offset, int length) {
    int a = this.a;
    int b = this.b;
    int c = this.c;
    int d = this.d;
    for (int end = offset + length; offset < end; offset += BLOCK) {
      int x0 = (int) WORDS.get(in, offset);
      int x1 = (int) WORDS.get(in, offset + 4);
      int x2 = (int) WORDS.get(in, offset + 8);
      int x3 = (int) WORDS.get(in, offset + 12);
      int x4 = (int) WORDS.get(in, offset + 16);
      int x5 = (int) WORDS.get(in, offset + 20);
      int x6 = (int) WORDS.get(in, offset + 24);
      int x7 = (int) WORDS.get(in, offset + 28);
      int x8 = (int) WORDS.get(in, offset + 32);
      int x9 = (int) WORDS.get(in, offset + 36);
      int x10 = (int) WORDS.get(in, offset + 40);
      int x11 = (int) WORDS.get(in, offset + 44);
      int x12 = (int) WORDS.get(in, offset + 48);
      int x13 = (int) WORDS.get(in, offset + 52);
      int x14 = (int) WORDS.get(in, offset + 56);
      int x15 = (int) WORDS.get(in, offset + 60);
      int a0 = a;
      int b0 = b;
      int c0 = c;
      int d0 = d;

      a = f(a, b, c, d, x0, 0xd76aa478, 7);
      d = f(d, a, b, c, x1, 0xe8c7b756, 12);
      c = f(c, d, a, b, x2, 0x242070db, 17);
      b = f(b, c, d, a, x3, 0xc1bdceee, 22);
      a = f(a, b, c, d, x4, 0xf57c0faf, 7);
      d = f(d, a, b, c, x5, 0x4787c62a, 12);
      c = f(c, d, a, b, x6, 0xa8304613, 17);
      b = f(b, c, d, a, x7, 0xfd469501, 22);
      a = f(a, b, c, d, x8, 0x698098d8, 7);
      d = f(d, a, b, c, x9, 0x8b44f7af, 12);
      c = f(c, d, a, b, x10, 0xffff5bb1, 17);
      b = f(b, c, d, a, x11, 0x895cd7be, 22);
      a = f(a, b, c, d, x12, 0x6b901122, 7);
      d = f(d, a, b, c, x13, 0xfd987193, 12);
      c = f(c, d, a, b, x14, 0xa679438e, 17);
      b = f(b, c, d, a, x15, 0x49b40821, 22);

      a = g(a, b, c, d, x1, 0xf61e2562, 5);
      d = g(d, a, b, c, x6, 0xc040b340, 9);
      c = g(c, d, a, b, x11, 0x265e5a51, 14);
      b = g(b, c, d, a, x0, 0xe9b6c7aa, 20);
      a = g(a, b, c, d, x5, 0xd62f105d, 5);
      d = g(d, a, b, c, x10, 0x02441453, 9);
      c = g(c, d, a, b, x15, 0xd8a1e681, 14);
      b = g(b, c, d, a, x4, 0xe7d3fbc8, 20);
      a = g(a, b, c, d, x9, 0x21e1cde6, 5);
      d = g(d, a, b, c, x14, 0xc33707d6, 9);
      c = g(c, d, a, b, x3, 0xf4d50d87, 14);
      b = g(b, c, d, a, x8, 0x455a14ed, 20);
      a = g(a, b, c, d, x13, 0xa9e3e905, 5);
      d = g(d, a, b, c, x2, 0xfcefa3f8, 9);
      c = g(c, d, a, b, x7, 0x676f02d9, 14);
      b = g(b, c, d, a, x12, 0x8d2a4c8a, 20);

      a = h(a, b, c, d, x5, 0xfffa3942, 4);
      d = h(d, a, b, c, x8, 0x8771f681, 11);
      c = h(c, d, a, b, x11, 0x6d9d6122, 16);
      b = h(b, c, d, a, x14, 0xfde5380c, 23);
      a = h(a, b, c, d, x1, 0xa4beea44, 4);
      d = h(d, a, b, c, x4, 0x4bdecfa9, 11);
      c = h(c, d, a, b, x7, 0xf6bb4b60, 16);
      b = h(b, c, d, a, x10, 0xbebfbc70, 23);
      a = h(a, b, c, d, x13, 0x289b7ec6, 4);
      d = h(d, a, b, c, x0, 0xeaa127fa, 11);
      c = h(c, d, a, b, x3, 0xd4ef3085, 16);
      b = h(b, c, d, a, x6, 0x04881d05, 23);
      a = h(a, b, c, d, x9, 0xd9d4d039, 4);
      d = h(d, a, b, c, x12, 0xe6db99e5, 11);
      c = h(c, d, a, b, x15, 0x1fa27cf8, 16);
      b = h(b, c, d, a, x2, 0xc4ac5665, 23);

      a = i(a, b, c, d, x0, 0xf4292244, 6);
      d = i(d, a, b, c, x7, 0x432aff97, 10);
      c = i(c, d, a, b, x14, 0xab9423a7, 15);
      b = i(b, c, d, a, x5, 0xfc93a039, 21);
      a = i(a, b, c, d, x12, 0x655b59c3, 6);
      d = i(d, a, b, c, x3, 0x8f0ccc92, 10);
      c = i(c, d, a, b, x10, 0xffeff47d, 15);
      b = i(b, c, d, a, x1, 0x85845dd1, 21);
      a = i(a, b, c, d, x8, 0x6fa87e4f, 6);
      d = i(d, a, b, c, x15, 0xfe2ce6e0, 10);
      c = i(c, d, a, b, x6, 0xa3014314, 15);
      b = i(b, c, d, a, x13, 0x4e0811a1, 21);
      a = i(a, b, c, d, x4, 0xf7537e82, 6);
      d = i(d, a, b, c, x11, 0xbd3af235, 10);
      c = i(c, d, a, b, x2, 0x2ad7d2bb, 15);
      b = i(b, c, d, a, x9, 0xeb86d391, 21);

      a += a0;
      b += b0;
      c += c0;
      d += d0;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  private static int f(int a, int b, int c, int d, int x, int k, int s) {
    int t = a + k + x + (((c ^ d) & b) ^ d);
    return b + (t << s | t >>> -s);
  }

  private static int g(int a, int b, int c, int d, int x, int k, int s) {
    int t = a + k + x + (c & ~d) + (b & d);
    return b + (t << s | t >>> -s);
  }

  private static int h(int a, int b, int c, int d, int x, int k, int s) {
    int t = a + k + x + (c ^ d ^ b);
    return b + (t << s | t >>> -s);
  }

  private static int i(int a, int b, int c, int d, int x, int k, int s) {
    int t = a + k + x + ((~d | b) ^ c);
    return b + (t << s | t >>> -s);
  }
}
