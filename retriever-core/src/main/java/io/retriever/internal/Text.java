package io.retriever.internal;

/** Helpers for putting what a store sent into one-line messages. */
public final class Text {
  private Text() {}

  /**
   * Shows control characters of a key as escapes ({@code \x01}) and cuts it at 200 characters, so
   * that a message naming it stays one readable line.
   */
  public static String printable(String key) {
    StringBuilder out = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    String shown = out.toString();
    return shown.length() > 200 ? shown.substring(0, 200) + "..." : shown;
  }

  /**
   * Shows a duration exactly, in its largest whole unit: {@code 90 s}, {@code 5 min}, {@code 2 h}.
   */
  public static String duration(java.time.Duration d) {
    long seconds = d.toSeconds();
    if (seconds < 60 || seconds % 60 != 0) {
      return seconds + " s";
    }
    long minutes = seconds / 60;
    if (minutes < 60 || minutes % 60 != 0) {
      return minutes + " min";
    }
    return minutes / 60 + " h";
  }
}
