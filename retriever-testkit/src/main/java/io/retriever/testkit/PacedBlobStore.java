package io.retriever.testkit;

import com.google.common.io.ByteStreams;
import com.google.common.net.HttpHeaders;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.StorageType;
import org.jclouds.blobstore.domain.internal.PageSetImpl;
import org.jclouds.blobstore.options.GetOptions;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.http.HttpResponse;
import org.jclouds.http.HttpResponseException;
import org.jclouds.io.MutableContentMetadata;
import org.jclouds.io.payloads.BaseMutableContentMetadata;
import org.jclouds.io.payloads.InputStreamPayload;

/**
 * Makes a jclouds blob store answer like S3 does over a real network: each request waits a
 * first-byte latency, and each response body streams no faster than a per-request rate. It also
 * counts requests by kind.
 *
 * <p>Concurrency: called by many server threads at once. The settings are volatile so a test can
 * change them while requests are running; the counters are atomic.
 *
 * <p>It keeps the blob that the delegate returned and swaps only its payload, so the {@code
 * Content-Range} that S3Proxy reads from the blob's headers survives; S3Proxy's own latency
 * middleware loses it.
 */
final class PacedBlobStore extends ForwardingBlobStore {
  /** Wait before each request is answered, in nanoseconds. */
  private volatile long latencyNanos;

  /** Per-response body rate in bytes per second; 0 means unlimited. */
  private volatile long bytesPerSecond;

  /** Number of GET requests for object bodies. */
  final AtomicLong gets = new AtomicLong();

  /** Number of HEAD requests for object metadata. */
  final AtomicLong heads = new AtomicLong();

  /** Number of LIST requests. */
  final AtomicLong lists = new AtomicLong();

  /** Number of body bytes handed to the server for sending. */
  final AtomicLong bytesServed = new AtomicLong();

  /** Most keys per listing page, below what the request asks; 0 means as asked. */
  private volatile int listPageSize;

  /** Serving slots, when GETs served at once are limited; else null. */
  private volatile Semaphore slots;

  PacedBlobStore(BlobStore delegate) {
    super(delegate);
  }

  void latency(Duration latency) {
    this.latencyNanos = latency.toNanos();
  }

  /** Limits the GETs served at once to {@code requests}; 0 means no limit. */
  void servingAtOnce(int requests) {
    this.slots = requests > 0 ? new Semaphore(requests, true) : null;
  }

  void listPageSize(int keys) {
    this.listPageSize = keys;
  }

  void bytesPerSecond(long rate) {
    this.bytesPerSecond = rate;
  }

  @Override
  public Blob getBlob(String container, String name) {
    return getBlob(container, name, GetOptions.NONE);
  }

  @Override
  public Blob getBlob(String container, String name, GetOptions options) {
    gets.incrementAndGet();
    Semaphore limit = slots;
    Slot slot = limit == null ? null : Slot.take(limit);
    boolean handedOver = false;
    try {
      Blob blob = pacedBlob(container, name, options, slot);
      handedOver = blob != null && blob.getPayload() != null;
      return blob;
    } finally {
      if (slot != null && !handedOver) {
        slot.release();
      }
    }
  }

  /** A serving slot, released once: when its body has been sent, closed or failed. */
  private static final class Slot {
    private final Semaphore slots;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(Semaphore slots) {
      this.slots = slots;
    }

    static Slot take(Semaphore slots) {
      slots.acquireUninterruptibly();
      return new Slot(slots);
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        slots.release();
      }
    }
  }

  private Blob pacedBlob(String container, String name, GetOptions options, Slot slot) {
    pause();
    long[] range = singleRange(options);
    Blob blob = delegate().getBlob(container, name, range == null ? options : conditions(options));
    if (blob == null || blob.getPayload() == null) {
      return blob;
    }
    // A copy: the stored blob shares its content metadata with what jclouds returns.
    MutableContentMetadata metadata =
        BaseMutableContentMetadata.fromContentMetadata(blob.getPayload().getContentMetadata());
    InputStream body;
    try {
      body = blob.getPayload().openStream();
      if (range != null) {
        body = slice(body, range, metadata.getContentLength(), blob);
        metadata.setContentLength(range[1] - range[0] + 1);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the body of " + container + "/" + name, e);
    }
    InputStreamPayload paced = new InputStreamPayload(new PacedStream(body, bytesPerSecond, slot));
    paced.setContentMetadata(metadata);
    // Setting a payload releases the old one, which would close the stream just opened from it.
    blob.resetPayload(false);
    blob.setPayload(paced);
    return blob;
  }

  /**
   * Returns the one satisfiable-looking range of a GET as {@code [first, last]} with {@code last}
   * possibly open (-1), or null for none or several. jclouds' own range handling copies the whole
   * object into memory for every ranged request, which a benchmark of large objects cannot afford;
   * a single range is served here by skipping into the stream instead.
   */
  private static long[] singleRange(GetOptions options) {
    List<String> ranges = options.getRanges();
    if (ranges == null || ranges.size() != 1) {
      return null;
    }
    String range = ranges.get(0);
    int dash = range.indexOf('-');
    if (dash <= 0) {
      return null; // A suffix range ("-n"): rare, left to jclouds.
    }
    long first = Long.parseLong(range.substring(0, dash));
    long last = dash == range.length() - 1 ? -1 : Long.parseLong(range.substring(dash + 1));
    return new long[] {first, last};
  }

  /** Returns the conditions of {@code options} without their ranges. */
  private static GetOptions conditions(GetOptions options) {
    GetOptions whole = new GetOptions();
    if (options.getIfMatch() != null) {
      whole.ifETagMatches(options.getIfMatch());
    }
    if (options.getIfNoneMatch() != null) {
      whole.ifETagDoesntMatch(options.getIfNoneMatch());
    }
    if (options.getIfModifiedSince() != null) {
      whole.ifModifiedSince(options.getIfModifiedSince());
    }
    if (options.getIfUnmodifiedSince() != null) {
      whole.ifUnmodifiedSince(options.getIfUnmodifiedSince());
    }
    return whole;
  }

  /** Narrows a whole body to {@code range} and records the Content-Range S3Proxy sends. */
  private static InputStream slice(InputStream body, long[] range, long size, Blob blob)
      throws IOException {
    if (range[1] < 0 || range[1] >= size) {
      range[1] = size - 1;
    }
    if (range[0] > range[1]) {
      body.close();
      throw new HttpResponseException(
          "range not satisfiable", null, HttpResponse.builder().statusCode(416).build());
    }
    ByteStreams.skipFully(body, range[0]);
    blob.getAllHeaders().removeAll(HttpHeaders.CONTENT_RANGE);
    blob.getAllHeaders()
        .put(HttpHeaders.CONTENT_RANGE, "bytes " + range[0] + "-" + range[1] + "/" + size);
    return ByteStreams.limit(body, range[1] - range[0] + 1);
  }

  @Override
  public BlobMetadata blobMetadata(String container, String name) {
    heads.incrementAndGet();
    pause();
    return delegate().blobMetadata(container, name);
  }

  @Override
  public PageSet<? extends StorageMetadata> list(String container, ListContainerOptions options) {
    lists.incrementAndGet();
    pause();
    int pageSize = listPageSize;
    if (pageSize > 0 && (options.getMaxResults() == null || options.getMaxResults() > pageSize)) {
      options.maxResults(pageSize);
    }
    PageSet<? extends StorageMetadata> page = delegate().list(container, options);
    if (options.getDelimiter() != null) {
      return page; // Its folders are the common prefixes.
    }
    // Directory storage lists its directories as keys ending in "/"; S3 has no directories.
    List<StorageMetadata> kept = new ArrayList<>();
    for (StorageMetadata entry : page) {
      if (entry.getType() != StorageType.FOLDER) {
        kept.add(entry);
      }
    }
    return new PageSetImpl<>(kept, page.getNextMarker());
  }

  private void pause() {
    long nanos = latencyNanos;
    if (nanos > 0) {
      sleepNanos(nanos);
    }
  }

  private static void sleepNanos(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Streams a body no faster than a fixed rate, measured from the first read. */
  private final class PacedStream extends FilterInputStream {
    /** Largest read handed out at once, so the pace stays smooth. */
    private static final int MAX_READ = 64 * 1024;

    private final long rate;

    /** The serving slot it holds until its last byte, or null. */
    private final Slot slot;

    private long started;
    private long sent;

    PacedStream(InputStream in, long rate, Slot slot) {
      super(in);
      this.rate = rate;
      this.slot = slot;
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        if (slot != null) {
          slot.release();
        }
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (rate <= 0) {
        return count(super.read(b, off, len));
      }
      if (started == 0) {
        started = System.nanoTime();
      }
      int n = count(super.read(b, off, Math.min(len, MAX_READ)));
      if (n > 0) {
        sent += n;
        long due = started + (long) (sent * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          sleepNanos(wait);
        }
      }
      return n;
    }

    private int count(int n) {
      if (n > 0) {
        bytesServed.addAndGet(n);
      } else if (n < 0 && slot != null) {
        slot.release();
      }
      return n;
    }
  }
}
