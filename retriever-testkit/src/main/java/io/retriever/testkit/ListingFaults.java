package io.retriever.testkit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a ListObjectsV2 page's XML as a {@link Faults.ListFault} says. The faults that cut the
 * body (truncated, cut mid-page) are the proxy's to apply; those here change what the page says.
 *
 * <p>Concurrency: {@link #apply} is called by the proxy's connections one page at a time per
 * listing; the state is shared, so tests list one prefix at a time.
 */
final class ListingFaults {
  private static final Pattern TOKEN =
      Pattern.compile("<NextContinuationToken>(.*?)</NextContinuationToken>", Pattern.DOTALL);
  private static final Pattern CONTENTS =
      Pattern.compile("<Contents>.*?</Contents>", Pattern.DOTALL);
  private static final Pattern FIRST_KEY = Pattern.compile("<Key>(.*?)</Key>", Pattern.DOTALL);

  private ListingFaults() {}

  /** What the faults remember of the pages before. */
  static final class State {
    /** The token the first page of the latest listing gave. */
    volatile String firstToken;

    /** The entries of the page before, as XML. */
    volatile String previousContents = "";
  }

  /** Returns the page, rewritten as {@code fault} says; remembers what later faults need. */
  static String apply(String target, String xml, Faults.ListFault fault, State state) {
    String contents = contents(xml);
    if (!target.contains("continuation-token=")) {
      Matcher token = TOKEN.matcher(xml);
      state.firstToken = token.find() ? token.group(1) : null;
    }
    String previous = state.previousContents;
    state.previousContents = contents;
    if (fault == null) {
      return xml;
    }
    return switch (fault) {
      case GARBLED_XML -> xml.replaceFirst("</Key>", "</Kex>");
      case TRUNCATED_WITHOUT_TOKEN -> TOKEN.matcher(xml).replaceFirst("");
      case TOKEN_LOOPS_BACK ->
          state.firstToken == null
              ? xml
              : TOKEN
                  .matcher(xml)
                  .replaceFirst(
                      Matcher.quoteReplacement(
                          "<NextContinuationToken>"
                              + state.firstToken
                              + "</NextContinuationToken>"));
      case REPEATED_KEYS -> prepend(xml, previous);
      case KEYS_BACKWARDS -> prepend(xml, backwards(previous));
      case KEY_OUTSIDE_PREFIX -> append(xml, outside(contents));
      default -> xml; // The proxy cuts the body.
    };
  }

  /** Returns the page's entries, as XML. */
  private static String contents(String xml) {
    StringBuilder all = new StringBuilder();
    Matcher m = CONTENTS.matcher(xml);
    while (m.find()) {
      all.append(m.group());
    }
    return all.toString();
  }

  /** Returns the first of {@code contents} with its key made {@code key~}. */
  private static String backwards(String contents) {
    Matcher first = CONTENTS.matcher(contents);
    if (!first.find()) {
      return "";
    }
    Matcher key = FIRST_KEY.matcher(first.group());
    return key.replaceFirst(Matcher.quoteReplacement("<Key>" + keyOf(first.group()) + "~</Key>"));
  }

  private static String keyOf(String entry) {
    Matcher key = FIRST_KEY.matcher(entry);
    return key.find() ? key.group(1) : "";
  }

  /** Returns the last of {@code contents} with its key made {@code ~outside.bin}. */
  private static String outside(String contents) {
    int at = contents.lastIndexOf("<Contents>");
    if (at < 0) {
      return "";
    }
    return FIRST_KEY
        .matcher(contents.substring(at))
        .replaceFirst(Matcher.quoteReplacement("<Key>~outside.bin</Key>"));
  }

  /** Puts {@code entries} after the page's last entry. */
  private static String append(String xml, String entries) {
    int at = xml.lastIndexOf("</Contents>");
    if (at < 0) {
      return xml;
    }
    at += "</Contents>".length();
    return xml.substring(0, at) + entries + xml.substring(at);
  }

  /** Puts {@code entries} before the page's first entry. */
  private static String prepend(String xml, String entries) {
    int at = xml.indexOf("<Contents>");
    if (at < 0) {
      at = xml.indexOf("</ListBucketResult>");
    }
    return at < 0 ? xml : xml.substring(0, at) + entries + xml.substring(at);
  }
}
