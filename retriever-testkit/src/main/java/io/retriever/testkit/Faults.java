package io.retriever.testkit;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which object GETs {@link LocalS3} answers with a fault, and what it injected so far. Faults are
 * chosen either by a fixed schedule (the Nth object GET the server receives) or at random with a
 * seed: a request's fate then depends only on the seed, the request (method, path and range) and
 * how often that same request came before, not on the order in which concurrent requests arrive, so
 * a run with the same seed and the same requests meets the same faults.
 *
 * <p>Thread safety: used by all of the server's connections at once.
 */
public final class Faults {
  /** The faults a GET can meet. */
  public enum Kind {
    /** 503 SlowDown, as S3 answers when a prefix is asked too fast. */
    SLOW_DOWN,
    /** 500 InternalError. */
    INTERNAL_ERROR,
    /** 412 PreconditionFailed, as S3 answers {@code If-Match} for an object that changed. */
    PRECONDITION_FAILED,
    /** The connection is reset before any header is sent. */
    RESET_BEFORE_HEADERS,
    /** The connection is closed after {@link #afterBytes} bytes of the body. */
    CLOSE_MID_BODY,
    /** No more bytes after {@link #afterBytes} bytes of the body, for {@link #stall} time. */
    STALL,
    /** The headers come only after {@link #slowFirstByte} time. */
    SLOW_FIRST_BYTE,
    /** The body byte at {@link #afterBytes} (or the last, if the body is shorter) is flipped. */
    CORRUPT_BYTE,
    /**
     * A ranged GET gets the bytes of a range one byte off, under a {@code Content-Range} that
     * claims the range asked for (a server that lies).
     */
    SHIFTED_BODY,
    /** A ranged GET gets a range one byte off, and a {@code Content-Range} that says so. */
    WRONG_RANGE,
    /** A ranged GET is answered 200 with the whole object, as if the range were ignored. */
    WHOLE_OBJECT,
    /**
     * A ranged GET gets the same range of another version of the object: other bytes, under that
     * version's own ETag (a store or cache that ignores {@code If-Match}).
     */
    OTHER_VERSION
  }

  /** The kinds that change a ranged GET's answer; a GET of a whole object meets them unchanged. */
  static boolean rangedOnly(Kind kind) {
    return kind == Kind.SHIFTED_BODY
        || kind == Kind.WRONG_RANGE
        || kind == Kind.WHOLE_OBJECT
        || kind == Kind.OTHER_VERSION;
  }

  /** The faults a ListObjectsV2 page can meet. */
  public enum ListFault {
    /** The body ends half-way, with a Content-Length that says so: unreadable XML. */
    TRUNCATED_BODY,
    /** The body is whole but its XML is not (a closing tag misspelt). */
    GARBLED_XML,
    /** The connection is closed half-way through the body its Content-Length announced. */
    CUT_MID_PAGE,
    /** The page says IsTruncated but has no NextContinuationToken. */
    TRUNCATED_WITHOUT_TOKEN,
    /** The page's NextContinuationToken is the one the first page of the listing gave. */
    TOKEN_LOOPS_BACK,
    /** The page begins with every entry of the page before it. */
    REPEATED_KEYS,
    /**
     * The page begins with an entry for a key that sorts before the last key of the page before
     * (its first key with {@code ~} added), which no listing in order can hold.
     */
    KEYS_BACKWARDS,
    /**
     * The page ends with an entry for the key {@code ~outside.bin}, which sorts after every key the
     * page holds but lies outside any prefix that does not begin with {@code ~}.
     */
    KEY_OUTSIDE_PREFIX
  }

  private final long seed;
  private final double probability;
  private final List<Kind> kinds;
  private final Map<Long, Kind> schedule;
  private volatile long afterBytes = 1000;
  private volatile Duration stall = Duration.ofSeconds(30);
  private volatile Duration slowFirstByte = Duration.ofSeconds(2);
  private volatile boolean enabled = true;
  private volatile String listedChecksum;

  private volatile Map<Long, ListFault> listSchedule = Map.of();
  private final AtomicLong lists = new AtomicLong();
  private final Map<ListFault, AtomicLong> listInjected = new EnumMap<>(ListFault.class);

  private final AtomicLong gets = new AtomicLong();
  private final Map<Kind, AtomicLong> injected = new EnumMap<>(Kind.class);
  private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();

  private Faults(long seed, double probability, List<Kind> kinds, Map<Long, Kind> schedule) {
    this.seed = seed;
    this.probability = probability;
    this.kinds = List.copyOf(kinds);
    this.schedule = Map.copyOf(schedule);
    for (Kind kind : Kind.values()) {
      injected.put(kind, new AtomicLong());
    }
    for (ListFault kind : ListFault.values()) {
      listInjected.put(kind, new AtomicLong());
    }
  }

  /**
   * Gives the Nth ListObjectsV2 request the server receives (from 1, retries included) the fault
   * {@code schedule} maps it to. Object GETs are unaffected by it.
   */
  public Faults listFaults(Map<Integer, ListFault> schedule) {
    Map<Long, ListFault> byNumber = new java.util.HashMap<>();
    schedule.forEach((n, kind) -> byNumber.put((long) n, Objects.requireNonNull(kind)));
    this.listSchedule = Map.copyOf(byNumber);
    return this;
  }

  /** Returns whether any listing fault is scheduled. */
  boolean listFaultsScheduled() {
    return !listSchedule.isEmpty();
  }

  /** Decides the fault for one ListObjectsV2 request, or returns null for none, and counts it. */
  ListFault decideList() {
    long n = lists.incrementAndGet();
    ListFault kind = enabled ? listSchedule.get(n) : null;
    if (kind != null) {
      listInjected.get(kind).incrementAndGet();
    }
    return kind;
  }

  /** Returns how many ListObjectsV2 requests the server received. */
  public long listRequests() {
    return lists.get();
  }

  /** Returns how many listing faults of {@code kind} were injected. */
  public long injected(ListFault kind) {
    return listInjected.get(kind).get();
  }

  /** Returns a plan that injects nothing (but still counts object GETs). */
  public static Faults none() {
    return new Faults(0, 0, List.of(), Map.of());
  }

  /**
   * Returns a plan that gives each object GET a fault with {@code probability}, of one of {@code
   * kinds} (chosen evenly), reproducibly from {@code seed}.
   */
  public static Faults random(long seed, double probability, Kind... kinds) {
    if (!(probability >= 0 && probability <= 1) || kinds.length == 0 && probability > 0) {
      throw new IllegalArgumentException("probability must be in [0, 1], with at least one kind");
    }
    return new Faults(seed, probability, List.of(kinds), Map.of());
  }

  /**
   * Returns a plan that gives the Nth object GET (from 1) the fault {@code schedule} maps it to.
   */
  public static Faults schedule(Map<Integer, Kind> schedule) {
    Map<Long, Kind> byNumber = new java.util.HashMap<>();
    schedule.forEach((n, kind) -> byNumber.put((long) n, Objects.requireNonNull(kind)));
    return new Faults(0, 0, List.of(), byNumber);
  }

  /** Sets where in the body {@code CLOSE_MID_BODY}, {@code STALL} and {@code CORRUPT_BYTE} act. */
  public Faults afterBytes(long bytes) {
    this.afterBytes = bytes;
    return this;
  }

  /** Sets how long a {@code STALL} lasts before the connection is closed. */
  public Faults stall(Duration duration) {
    this.stall = duration;
    return this;
  }

  /** Sets how long a {@code SLOW_FIRST_BYTE} waits. */
  public Faults slowFirstByte(Duration duration) {
    this.slowFirstByte = duration;
    return this;
  }

  /**
   * Makes listings say every object has a full-object checksum of {@code algorithm} (S3 lists the
   * algorithm of each object's checksum; S3Proxy does not). Objects stored with {@link
   * LocalS3#putRandomWithCrc32c} then show their CRC-32C to a HEAD in checksum mode.
   */
  public Faults listChecksums(String algorithm) {
    this.listedChecksum = algorithm;
    return this;
  }

  String listedChecksum() {
    return listedChecksum;
  }

  /**
   * An object LocalS3 presents as a multipart upload: its parts' sizes, and their checksums when it
   * has a composite one.
   *
   * @param algorithm the checksum's algorithm, or null when the parts have none
   * @param values each part's checksum in base64, or null
   */
  record Parts(String algorithm, long[] sizes, String[] values) {}

  /** Whether a HEAD of one part ({@code ?partNumber=N}) is answered as S3 does. */
  private volatile boolean answersPartNumbers = true;

  /**
   * Makes the server answer a HEAD of one part of a multipart upload ({@code ?partNumber=N}) for
   * the whole object, as S3Proxy and some S3-compatible stores do, when {@code answers} is false.
   * By default it answers as S3 does: the part's length and the number of parts.
   */
  public Faults answersPartNumbers(boolean answers) {
    this.answersPartNumbers = answers;
    return this;
  }

  boolean answersPartNumbers() {
    return answersPartNumbers;
  }

  /** Objects presented as multipart uploads, by "bucket/key". */
  private final Map<String, Parts> multipart = new ConcurrentHashMap<>();

  void multipart(String bucket, String key, Parts parts) {
    multipart.put(bucket + "/" + key, parts);
  }

  Parts multipart(String bucket, String key) {
    return multipart.get(bucket + "/" + key);
  }

  /** Turns injection on or off; object GETs are counted either way. */
  public Faults enabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  long afterBytes() {
    return afterBytes;
  }

  Duration stall() {
    return stall;
  }

  Duration slowFirstByte() {
    return slowFirstByte;
  }

  /** Decides the fault for one object GET, or returns null for none, and counts it. */
  Kind decide(String method, String path, String range) {
    long n = gets.incrementAndGet();
    if (!enabled) {
      return null;
    }
    Kind kind = schedule.get(n);
    if (kind == null && probability > 0) {
      String id = method + ' ' + path + ' ' + range;
      int occurrence = seen.computeIfAbsent(id, k -> new AtomicInteger()).getAndIncrement();
      long h = mix(seed ^ mix(id.hashCode() * 0x9E3779B97F4A7C15L + occurrence));
      double u = (h >>> 11) * 0x1.0p-53;
      if (u < probability) {
        kind = kinds.get((int) Math.floorMod(mix(h), (long) kinds.size()));
      }
    }
    if (kind != null) {
      injected.get(kind).incrementAndGet();
    }
    return kind;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Returns how many object GETs the server received. */
  public long objectGets() {
    return gets.get();
  }

  /** Returns how many faults of {@code kind} were injected. */
  public long injected(Kind kind) {
    return injected.get(kind).get();
  }

  /** Returns how many faults were injected in all. */
  public long injected() {
    return injected.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Returns the faults injected by kind, e.g. {@code SLOW_DOWN=3 STALL=1}. */
  public String describe() {
    StringJoiner out = new StringJoiner(" ");
    injected.forEach(
        (kind, n) -> {
          if (n.get() > 0) {
            out.add(kind + "=" + n.get());
          }
        });
    return out.length() == 0 ? "none" : out.toString();
  }
}
