package io.retriever.internal.s3;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What one download knows of its store's reachability, and the rule that tells an outage from a
 * wrong endpoint. Before the store has answered once, every failure is what it says (a refused
 * connection means a wrong endpoint). After it has answered, a refused or reset connection, a
 * timeout, an unknown host, a 5xx or a 429 is an outage: the request is sent again, without
 * counting against the attempts of its chunk or page, for as long as that chunk or page has gone
 * less than {@link #limit} without progress.
 *
 * <p>It also tells when the store stops answering and when it answers again, once per outage, to
 * the {@link Watcher} it was made with.
 *
 * <p>Concurrency: shared by every request of the download; lock-free.
 */
public final class Outage {
  /** Told when the store stops answering and when it answers again. */
  public interface Watcher {
    /** The first failure of an outage, with the time since the last answer before it. */
    void unreachable(Throwable cause, Duration limit);

    /** The first answer after an outage, with its length. */
    void reachable(Duration downtime);
  }

  private static final long NOT_DOWN = Long.MIN_VALUE;

  /** The HTTP client's exceptions for a connection closed before or during an answer. */
  private static final Set<String> CUT_CONNECTION =
      Set.of(
          "org.apache.http.NoHttpResponseException",
          "org.apache.http.ConnectionClosedException",
          "org.apache.http.TruncatedChunkException",
          "org.apache.http.conn.ConnectTimeoutException",
          "org.apache.http.conn.HttpHostConnectException");

  private final long limitNanos;
  private final Watcher watcher;
  private final LongSupplier nanoTime;

  /** Whether the store has answered any request of this download. */
  private final AtomicBoolean answered = new AtomicBoolean();

  /** Successful answers so far. */
  private final AtomicLong answers = new AtomicLong();

  /** When the current outage began, or {@link #NOT_DOWN}. */
  private final AtomicLong downSince = new AtomicLong(NOT_DOWN);

  /** Outages ended so far: a change wakes the requests waiting out their back-off. */
  private final AtomicLong ended = new AtomicLong();

  /** How often a request waiting out its back-off looks whether the outage ended. */
  private static final long LOOK_MILLIS = 50;

  /**
   * @param limit how long a chunk or page may go without progress through an outage; zero turns
   *     riding through off
   */
  public Outage(Duration limit, Watcher watcher, LongSupplier nanoTime) {
    this.limitNanos = limit.toNanos();
    this.watcher = watcher;
    this.nanoTime = nanoTime;
  }

  /** Returns an outage rule that never rides through: every failure counts. */
  public static Outage never() {
    return new Outage(
        Duration.ZERO,
        new Watcher() {
          @Override
          public void unreachable(Throwable cause, Duration limit) {}

          @Override
          public void reachable(Duration downtime) {}
        },
        System::nanoTime);
  }

  /** Returns the time on the clock the limit is measured with, in nanoseconds. */
  public long now() {
    return nanoTime.getAsLong();
  }

  /**
   * Returns whether a failure is one an outage gives, whatever other requests got: a refused, reset
   * or timed-out connection, an unknown host, a 5xx or a 429.
   */
  public static boolean isOutage(Throwable error) {
    return outage(error, false);
  }

  /** Returns how long a chunk or page may go without progress through an outage. */
  public Duration limit() {
    return Duration.ofNanos(limitNanos);
  }

  /** Records that the store answered a request successfully; ends an outage if one was on. */
  public void answered() {
    answered.set(true);
    answers.incrementAndGet();
    if (downSince.get() != NOT_DOWN) {
      long since = downSince.getAndSet(NOT_DOWN);
      if (since != NOT_DOWN) {
        ended.incrementAndGet();
        watcher.reachable(Duration.ofNanos(nanoTime.getAsLong() - since));
      }
    }
  }

  /** Records that the store answered with an error: it is there, though it refused. */
  public void refused() {
    answered.set(true);
  }

  /** Returns the successful answers so far, to tell later whether others got through. */
  public long answers() {
    return answers.get();
  }

  /**
   * Returns whether a failed request rides through as an outage: sent again without counting as an
   * attempt. {@code answersBefore} is {@link #answers} when the request was sent, and {@code
   * progressNanos} the time of its chunk's or page's last progress.
   */
  public boolean ridesThrough(Throwable error, long answersBefore, long progressNanos) {
    if (limitNanos == 0 || !answered.get() || !outage(error, answersBefore != answers.get())) {
      return false;
    }
    long now = nanoTime.getAsLong();
    if (now - progressNanos >= limitNanos) {
      return false;
    }
    if (downSince.compareAndSet(NOT_DOWN, now)) {
      watcher.unreachable(error, limit());
    }
    return true;
  }

  /** Waits for something to end a back-off. */
  public interface Wait {
    /**
     * Waits up to {@code millis}; returns true when the waiting must stop (the download failed).
     */
    boolean sleep(long millis) throws InterruptedException;
  }

  /**
   * Waits out a back-off through an outage: {@code millis}, or less when the store answers another
   * request meanwhile (then every request waiting goes again at once). Returns true when {@code
   * wait} says to stop.
   */
  public boolean backOff(long millis, Wait wait) throws InterruptedException {
    long epoch = ended.get();
    long left = millis;
    while (left > 0) {
      long step = Math.min(left, LOOK_MILLIS);
      if (wait.sleep(step)) {
        return true;
      }
      if (ended.get() != epoch) {
        return false;
      }
      left -= step;
    }
    return false;
  }

  /** Returns whether the store had answered when it stopped: an outage, not a wrong endpoint. */
  public boolean hadAnswered() {
    return answered.get();
  }

  /**
   * Returns whether a failure is one an outage or an overloaded store gives. A 5xx other than 503
   * while other requests got answers is the object's own fault, and counts.
   */
  static boolean outage(Throwable error, boolean othersAnswered) {
    if (error instanceof S3Exception s3) {
      int status = s3.statusCode();
      return status == 503 || status == 429 || (status >= 500 && !othersAnswered);
    }
    if (!(error instanceof SdkClientException
        || error instanceof IOException
        || error instanceof UncheckedIOException)) {
      return false;
    }
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SSLException) {
        return false;
      }
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException
          || t instanceof SocketTimeoutException
          || t instanceof SocketException
          || t instanceof EOFException
          || CUT_CONNECTION.contains(t.getClass().getName())) {
        return true;
      }
    }
    return false;
  }
}
