package io.retriever.spark.internal;

/** Key order as S3 lists keys: by their UTF-8 bytes, which is the order of code points. */
final class Keys {
  /** The greatest code point: a key that continues a prefix with it sorts after nearly all. */
  static final String LAST_CHARACTER = new String(Character.toChars(Character.MAX_CODE_POINT));

  private Keys() {}

  /**
   * Compares by code point. {@link String#compareTo} compares UTF-16 units, which puts keys with
   * characters beyond U+FFFF before those with U+E000..U+FFFF, unlike S3.
   */
  static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** Returns the longest common prefix of {@code a} and {@code b}, whole code points only. */
  static String commonPrefix(String a, String b) {
    int i = 0;
    while (i < a.length() && i < b.length() && a.codePointAt(i) == b.codePointAt(i)) {
      i += Character.charCount(a.codePointAt(i));
    }
    return a.substring(0, i);
  }
}
