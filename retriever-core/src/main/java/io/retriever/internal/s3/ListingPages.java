package io.retriever.internal.s3;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.internal.Text;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/*
 * Why each check: S3 lists keys in strictly increasing order of their UTF-8 bytes, and every
 * page but the last says IsTruncated and gives the token of the next. A proxy or a store that breaks
 * either would otherwise make the listing lose keys quietly (a truncated page without a token reads
 * as the last page), loop forever (a token seen before), or hand over a key twice. A page that
 * cannot be read (cut off, garbled, its connection lost) is asked for again with the same token.
 *
 * Memory: the tokens used so far (one per page) and the keys of the last two pages, so that a key
 * repeated from the page before is recognised as a duplicate rather than as disorder.
 */
/**
 * Walks a ListObjectsV2 listing page by page, fetching each page again when it fails on the way,
 * and refusing what would lose or repeat keys or never end: a page that says more follow but gives
 * no token, a token already used, keys that go backwards. Keys repeated from the previous page are
 * dropped.
 *
 * <p>Concurrency: one thread at a time (the lister's, or the caller's iterating {@code list}).
 */
public final class ListingPages {
  private static final Logger LOG = LoggerFactory.getLogger(ListingPages.class);

  /** First backoff before a page is asked for again; doubles with each attempt. */
  private static final long BASE_BACKOFF_MILLIS = 100;

  /** Longest backoff before a page is asked for again. */
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  /**
   * Most pages in a row that bring no new key while saying more follow, before the listing is taken
   * for one that goes round without ever repeating a token.
   */
  static final int MAX_PAGES_WITHOUT_NEW_KEYS = 1_000;

  /** Decides whether one more retry may be spent; counts it if so. */
  @FunctionalInterface
  public interface RetryBudget {
    boolean spend();

    /** Counts a page asked for again through an outage, which spends nothing. */
    default void rodeThrough() {}
  }

  private final S3Access s3;
  private final String bucket;
  private final String prefix;
  private final int maxAttempts;
  private final Runnable onRequest;
  private final RetryBudget budget;

  /** What the download knows of the store's reachability; by default, nothing rides through. */
  private Outage outage = Outage.never();

  /** The delimiter that rolls keys up into common prefixes, or null for every key. */
  private final String delimiter;

  /** Keys up to this one are not listed, or null. */
  private final String startAfter;

  /** The common prefixes of the page last read, new ones only, in order. */
  private List<String> prefixes = List.of();

  /** The greatest common prefix listed so far, as UTF-8, or null. */
  private byte[] lastPrefix;

  /** The common prefixes of the page before: a repeat of one of them is a duplicate. */
  private Set<String> previousPrefixes = Set.of();

  /** The continuation tokens sent so far, with the page (from 1) each was given by. */
  private final Map<String, Integer> tokens = new HashMap<>();

  /** The token of the next page; null before the first page. */
  private String token;

  /** Whether the last page has been read. */
  private boolean done;

  /** Pages read so far. */
  private int pages;

  /** Pages in a row with no new key. */
  private int pagesWithoutNewKeys;

  /** The greatest key listed so far, as UTF-8, or null. */
  private byte[] lastKey;

  /** The last key listed so far, for messages. */
  private String lastKeyText;

  /** Keys of the page before and of this one: a repeat of one of them is a duplicate. */
  private Set<String> previousPage = Set.of();

  private Set<String> thisPage = new HashSet<>();

  /** Why the listing cannot go on, raised once the keys before the fault are handed over. */
  private RetrieverException broken;

  /** Keys dropped as duplicates so far. */
  private long duplicates;

  /**
   * Lists {@code prefix}: with {@code delimiter} (or null), keys below it come back as common
   * prefixes ({@link #prefixes}); only keys after {@code startAfter} (or null for all).
   *
   * @param maxAttempts attempts per page, at least 1
   * @param onRequest called before each request is sent, for counting
   * @param budget asked before each retry
   */
  public ListingPages(
      S3Access s3,
      String bucket,
      String prefix,
      int maxAttempts,
      Runnable onRequest,
      RetryBudget budget,
      String delimiter,
      String startAfter) {
    this.delimiter = delimiter;
    this.startAfter = startAfter;
    if (startAfter != null) {
      lastKey = startAfter.getBytes(StandardCharsets.UTF_8);
      lastKeyText = startAfter;
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix == null ? "" : prefix;
    this.maxAttempts = Math.max(1, maxAttempts);
    this.onRequest = onRequest;
    this.budget = budget;
  }

  /**
   * Returns the next page's objects, in key order, without keys already listed; null after the last
   * page. A page whose paging is broken is handed over up to the fault; the call after it throws.
   *
   * @throws RetrieverException naming the bucket and prefix when the listing cannot go on
   */
  public List<S3Object> next() throws InterruptedException {
    if (broken != null) {
      throw broken;
    }
    if (done) {
      return null;
    }
    ListObjectsV2Response page = fetch();
    pages++;
    List<S3Object> fresh = fresh(page.contents());
    prefixes = freshPrefixes(page);
    if (broken != null) {
      return fresh;
    }
    if (!Boolean.TRUE.equals(page.isTruncated())) {
      done = true;
      return fresh;
    }
    String next = page.nextContinuationToken();
    if (next == null || next.isEmpty()) {
      broken =
          failure(
              "page "
                  + pages
                  + " says more keys follow but gives no continuation token, so the rest cannot be"
                  + " listed");
      return fresh;
    }
    Integer seen = tokens.putIfAbsent(next, pages);
    if (seen != null) {
      broken =
          failure(
              "page "
                  + pages
                  + " gives the continuation token page "
                  + seen
                  + " gave, so the listing would go round forever");
      return fresh;
    }
    pagesWithoutNewKeys = fresh.isEmpty() && prefixes.isEmpty() ? pagesWithoutNewKeys + 1 : 0;
    if (pagesWithoutNewKeys >= MAX_PAGES_WITHOUT_NEW_KEYS) {
      broken = failure(pagesWithoutNewKeys + " pages in a row brought no new key");
    }
    token = next;
    return fresh;
  }

  /**
   * Returns the common prefixes of the page last returned by {@link #next}, in order, without those
   * listed before; empty without a delimiter.
   */
  public List<String> prefixes() {
    return prefixes;
  }

  /**
   * Returns the page's common prefixes that come after every one listed so far; one out of order
   * that is no repeat of the page before breaks the listing.
   */
  private List<String> freshPrefixes(ListObjectsV2Response page) {
    if (delimiter == null || !page.hasCommonPrefixes()) {
      return List.of();
    }
    Set<String> before = previousPrefixes;
    previousPrefixes = new HashSet<>();
    List<String> fresh = new ArrayList<>();
    for (CommonPrefix common : page.commonPrefixes()) {
      String p = common.prefix();
      if (!p.startsWith(prefix) && broken == null) {
        broken =
            failure(
                "common prefix '"
                    + Text.printable(p)
                    + "' on page "
                    + pages
                    + " is not under the prefix asked for, so the listing says other things too");
        break;
      }
      byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
      if (lastPrefix == null || Arrays.compareUnsigned(bytes, lastPrefix) > 0) {
        fresh.add(p);
        previousPrefixes.add(p);
        lastPrefix = bytes;
      } else if (!before.contains(p) && !previousPrefixes.contains(p) && broken == null) {
        broken =
            failure(
                "common prefix '"
                    + Text.printable(p)
                    + "' on page "
                    + pages
                    + " comes out of order, so keys may have been skipped");
        break;
      }
    }
    return fresh;
  }

  /** Returns whether the last page has been read. */
  public boolean isDone() {
    return done;
  }

  /** Returns how many repeated keys were dropped so far. */
  public long duplicates() {
    return duplicates;
  }

  /** Sends the request for the next page, again after a failure that may pass, within bounds. */
  private ListObjectsV2Response fetch() throws InterruptedException {
    long asked = outage.now();
    int riding = 0;
    for (int attempt = 1; ; ) {
      long answersBefore = outage.answers();
      try {
        onRequest.run();
        ListObjectsV2Response page = s3.listPage(bucket, prefix, token, delimiter, startAfter);
        outage.answered();
        return page;
      } catch (RuntimeException e) {
        if (e instanceof S3Exception) {
          outage.refused();
        }
        if (outage.ridesThrough(e, answersBefore, asked)) {
          budget.rodeThrough();
          long ceiling =
              Math.min(MAX_BACKOFF_MILLIS, BASE_BACKOFF_MILLIS << Math.min(riding++, 16));
          long backoff = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
          LOG.debug(
              "listing {}: page {} met an outage ({}); asking again in {} ms",
              where(),
              pages + 1,
              e.toString(),
              backoff);
          outage.backOff(
              backoff,
              millis -> {
                TimeUnit.MILLISECONDS.sleep(millis);
                return false;
              });
          continue;
        }
        riding = 0;
        boolean retryable = S3Errors.retryable(e);
        if (!retryable || attempt >= maxAttempts || !budget.spend()) {
          RetrieverException described = s3.describe(e, bucket, prefix);
          if (!retryable || described.reason() == Reason.NO_SUCH_BUCKET) {
            throw described;
          }
          throw new RetrieverException(
              described.reason(),
              "listing "
                  + where()
                  + " failed on page "
                  + (pages + 1)
                  + " after "
                  + attempt
                  + (attempt == 1 ? " attempt" : " attempts")
                  + ": "
                  + described.getMessage(),
              e);
        }
        long ceiling =
            Math.min(MAX_BACKOFF_MILLIS, BASE_BACKOFF_MILLIS << Math.min(attempt - 1, 16));
        long backoff = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        LOG.debug(
            "listing {}: page {} failed ({}); asking again in {} ms",
            where(),
            pages + 1,
            e.toString(),
            backoff);
        TimeUnit.MILLISECONDS.sleep(backoff);
        attempt++;
      }
    }
  }

  /** Rides the pages through an outage of the store as {@code outage} says; returns this. */
  public ListingPages ridingThrough(Outage outage) {
    this.outage = outage;
    return this;
  }

  /**
   * Returns the objects whose keys come after every key listed so far, up to the first that goes
   * backwards (which breaks the listing).
   */
  private List<S3Object> fresh(List<S3Object> contents) {
    previousPage = thisPage;
    thisPage = new HashSet<>();
    List<S3Object> fresh = new ArrayList<>(contents.size());
    for (S3Object o : contents) {
      String key = o.key();
      if (!key.startsWith(prefix)) {
        // Listed again under another folder's listing, it would reach two writers at once.
        broken =
            failure(
                "key '"
                    + Text.printable(key)
                    + "' on page "
                    + pages
                    + " is not under the prefix asked for, so the listing says other things too");
        break;
      }
      byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
      if (lastKey == null || Arrays.compareUnsigned(bytes, lastKey) > 0) {
        fresh.add(o);
        thisPage.add(key);
        lastKey = bytes;
        lastKeyText = key;
      } else if (thisPage.contains(key) || previousPage.contains(key)) {
        duplicates++;
        LOG.debug("listing {}: key '{}' listed again; downloading it once", where(), key);
      } else {
        broken =
            failure(
                "key '"
                    + Text.printable(key)
                    + "' on page "
                    + pages
                    + " comes after '"
                    + Text.printable(lastKeyText)
                    + "', out of order, so keys may have been skipped");
        break;
      }
    }
    return fresh;
  }

  private RetrieverException failure(String what) {
    return new RetrieverException(
        Reason.SERVER,
        "listing "
            + where()
            + " cannot be trusted: "
            + what
            + (lastKeyText == null
                ? "; no key was listed"
                : "; the listing stopped after '" + Text.printable(lastKeyText) + "'")
            + ". Try again; if it persists, the store or a proxy in between"
            + " breaks ListObjectsV2 paging: list the keys another way (an ObjectLister) or"
            + " report it to its operator");
  }

  private String where() {
    return "s3://" + bucket + "/" + prefix;
  }
}
