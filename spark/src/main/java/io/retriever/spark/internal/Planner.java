package io.retriever.spark.internal;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Splits the key space under a prefix into {@link KeyRange}s for listing tasks, from the first
 * pages of a delimiter listing on the driver.
 *
 * <p>Each folder (common prefix) becomes a range, and the keys directly under the prefix on those
 * pages are handed over as listed. When the delimiter listing goes on past {@code maxPages} pages
 * (a flat prefix, or a great many folders), the rest of the key space, after the last entry read,
 * is cut at {@code StartAfter} boundaries: the longest prefix the first and the last entry read
 * share, followed by each character of a grid of those keys commonly start with. Ranges that turn
 * out empty cost one LIST each; together the ranges hold every key, whatever its characters.
 *
 * <p>Memory: the driver holds the folders and at most {@code maxPages} pages of direct keys, never
 * the keys below the folders or past the cut.
 */
public final class Planner {
  /** Pages of the delimiter listing read on the driver before the rest is cut into ranges. */
  public static final int DEFAULT_MAX_PAGES = 5;

  /** Characters after which the rest of a flat prefix is cut, in key order. */
  private static final String GRID =
      "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

  private final S3Listing listing;
  private final int maxPages;

  /** Plans with {@code listing}, reading at most {@code maxPages} pages on the driver. */
  public Planner(S3Listing listing, int maxPages) {
    if (maxPages < 1) {
      throw new IllegalArgumentException("read at least 1 page, got " + maxPages);
    }
    this.listing = listing;
    this.maxPages = maxPages;
  }

  /** Returns ranges that together hold every key under {@code prefix}; empty if there is none. */
  public List<KeyRange> plan(String bucket, String prefix) {
    List<KeyRange> ranges = new ArrayList<>();
    List<ListedObject> direct = new ArrayList<>();
    String first = null;
    String lastKey = null;
    String lastFolder = null;
    String token = null;
    boolean truncated;
    int pages = 0;
    String before = null; // The greatest entry of the pages before this one.
    do {
      ListObjectsV2Response page = listing.page(bucket, prefix, token, "/", null);
      pages++;
      String greatest = before;
      String previous = before;
      for (CommonPrefix folder : page.commonPrefixes()) {
        check(bucket, prefix, pages, previous, folder.prefix());
        ranges.add(KeyRange.folder(folder.prefix()));
        lastFolder = folder.prefix();
        previous = folder.prefix();
        first = least(first, folder.prefix());
      }
      greatest = greater(greatest, previous);
      previous = before;
      for (S3Object o : page.contents()) {
        check(bucket, prefix, pages, previous, o.key());
        direct.add(ListedObject.of(o));
        lastKey = o.key();
        previous = o.key();
        first = least(first, o.key());
      }
      before = greater(greatest, previous);
      truncated = Boolean.TRUE.equals(page.isTruncated());
      token = page.nextContinuationToken();
      if (truncated && (token == null || token.isEmpty())) {
        // Read as the last page, it would lose every key after it without a word.
        throw broken(
            bucket,
            prefix,
            "page " + pages + " says more keys follow but gives no token to read them");
      }
    } while (truncated && pages < maxPages);
    if (!direct.isEmpty()) {
      ranges.add(KeyRange.known(direct));
    }
    if (truncated) {
      if (first == null) {
        // Pages that say more follow but hold nothing: list the whole prefix in one task.
        return List.of(new KeyRange(prefix, null, null, null, List.of()));
      }
      ranges.addAll(rest(prefix, first, lastKey, lastFolder));
    }
    return ranges;
  }

  /**
   * Checks an entry of page {@code page} of the delimiter listing: under the prefix, and after the
   * entry before it of its kind (folder or key) and every entry of the pages before. A page that
   * repeats, reorders or strays would make two units of one key, or lose keys, without a word.
   *
   * @throws RetrieverException saying what is wrong with the listing
   */
  private static void check(String bucket, String prefix, int page, String previous, String entry) {
    String problem = null;
    if (!entry.startsWith(prefix)) {
      problem = "'" + entry + "' is outside the prefix";
    } else if (previous != null && Keys.compare(entry, previous) <= 0) {
      problem = "'" + entry + "' comes after '" + previous + "' (keys repeated or out of order)";
    }
    if (problem != null) {
      throw broken(bucket, prefix, "on page " + page + ", " + problem);
    }
  }

  private static RetrieverException broken(String bucket, String prefix, String what) {
    return new RetrieverException(
        Reason.UNREACHABLE,
        "the listing of s3://"
            + bucket
            + "/"
            + prefix
            + " is broken: "
            + what
            + "; check the store");
  }

  private static String greater(String a, String b) {
    return a == null ? b : b == null || Keys.compare(a, b) >= 0 ? a : b;
  }

  private static String least(String a, String b) {
    return a == null || Keys.compare(b, a) < 0 ? b : a;
  }

  /** Cuts the key space after the last entry read into ranges at grid boundaries. */
  static List<KeyRange> rest(String prefix, String first, String lastKey, String lastFolder) {
    boolean folderLast =
        lastFolder != null && (lastKey == null || Keys.compare(lastFolder, lastKey) > 0);
    // A folder's keys all start with it and sort right after it: start past every one of them
    // (the greatest character), and leave the rare key beyond that to the folder's own range.
    String after = folderLast ? lastFolder + Keys.LAST_CHARACTER : lastKey;
    String excluded = folderLast ? lastFolder : null;
    String stem = Keys.commonPrefix(first, folderLast ? lastFolder : lastKey);
    if (stem.length() < prefix.length()) {
      stem = prefix;
    }
    List<KeyRange> ranges = new ArrayList<>();
    String from = after;
    for (int i = 0; i < GRID.length(); i++) {
      String boundary = stem + GRID.charAt(i);
      if (Keys.compare(boundary, from) > 0) {
        ranges.add(new KeyRange(prefix, from, boundary, excluded, List.of()));
        from = boundary;
      }
    }
    ranges.add(new KeyRange(prefix, from, null, excluded, List.of()));
    return ranges;
  }
}
