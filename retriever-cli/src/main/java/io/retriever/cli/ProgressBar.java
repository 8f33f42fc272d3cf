package io.retriever.cli;

import io.retriever.DownloadListener;
import io.retriever.DownloadSummary;
import io.retriever.ProgressSnapshot;
import io.retriever.event.DownloadFailed;
import io.retriever.event.StoreReachable;
import io.retriever.event.StoreUnreachable;
import io.retriever.options.Sizes;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Draws a one-line progress bar on the terminal: bytes, throughput, time left and objects.
 *
 * <p>Concurrency: called on the download's progress thread, then once on the thread that ends it;
 * never concurrently.
 */
final class ProgressBar implements DownloadListener {
  private static final int WIDTH = 24;

  private final PrintStream out;

  /** Smoothed throughput in bytes per second. */
  private double rate;

  /** After this long without a byte the bar says "stalled" instead of a time left. */
  static final long STALLED_NANOS = 3_000_000_000L;

  /** The longest time left worth showing; beyond it the rate says more than an ETA would. */
  private static final long LONGEST_ETA_SECONDS = 100 * 3600 - 1;

  private long lastBytes;
  private long lastNanos;
  private int lastLength;

  /** When the bytes done last grew, on the snapshots' clock. */
  private long movedNanos;

  /** When the store stopped answering ({@link System#nanoTime}), or 0 while it answers. */
  private volatile long unreachableSince;

  ProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public void storeUnreachable(StoreUnreachable event) {
    unreachableSince = System.nanoTime();
  }

  @Override
  public void storeReachable(StoreReachable event) {
    unreachableSince = 0;
  }

  @Override
  public void progress(ProgressSnapshot s) {
    long nanos = s.elapsed().toNanos();
    if (lastNanos > 0 && nanos > lastNanos) {
      double now = (s.bytesDone() - lastBytes) * 1e9 / (nanos - lastNanos);
      rate = rate == 0 ? now : 0.7 * rate + 0.3 * now;
    }
    if (s.bytesDone() != lastBytes || lastNanos == 0) {
      movedNanos = nanos;
    }
    lastBytes = s.bytesDone();
    lastNanos = nanos;
    String line = render(s, nanos - movedNanos >= STALLED_NANOS ? 0 : rate);
    long down = unreachableSince;
    if (down != 0) {
      line += "  store unreachable for " + duration((System.nanoTime() - down) / 1_000_000_000L);
    }
    draw(line);
  }

  /**
   * Returns the bar for {@code s} at {@code rate} bytes a second (0 when no byte came for {@link
   * #STALLED_NANOS}): the time left is shown only while bytes come at a rate that makes it
   * meaningful, and "stalled" once they stopped.
   */
  static String render(ProgressSnapshot s, double rate) {
    if (!s.listingComplete() && s.objectsListed() == 0) {
      // Nothing to measure against yet: say what is happening rather than "0 B / 0 B+".
      return "[" + "-".repeat(WIDTH) + "]  listing...";
    }
    long total = s.bytesListed();
    double fraction =
        total == 0 ? (s.listingComplete() ? 1 : 0) : Math.min(1, (double) s.bytesDone() / total);
    int filled = (int) Math.round(fraction * WIDTH);
    String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
    String more = s.listingComplete() ? "" : "+";
    String eta = "";
    long left = total - s.bytesDone();
    if (left > 0 && s.bytesDone() > 0 && rate < 1) {
      eta = "  stalled";
    } else if (s.listingComplete() && left > 0 && rate >= 1) {
      double seconds = left / rate;
      if (seconds <= LONGEST_ETA_SECONDS) {
        eta = "  ETA " + duration(Math.round(seconds));
      }
    }
    return String.format(
        Locale.ROOT,
        "[%s] %3.0f%%  %s / %s%s  %s/s%s  objects %,d/%,d%s",
        bar,
        fraction * 100,
        Sizes.format(s.bytesDone()),
        Sizes.format(total),
        more,
        Sizes.format(rate),
        eta,
        s.objectsDone(),
        s.objectsListed(),
        more);
  }

  /** Returns "4:05" or "1:02:03". */
  static String duration(long seconds) {
    return seconds >= 3600
        ? String.format(
            Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }

  private void draw(String line) {
    int pad = Math.max(0, lastLength - line.length());
    out.print("\r" + line + " ".repeat(pad));
    out.flush();
    lastLength = line.length();
  }

  @Override
  public void downloadCompleted(DownloadSummary summary) {
    out.println();
  }

  @Override
  public void downloadFailed(DownloadFailed event) {
    out.println();
  }
}
