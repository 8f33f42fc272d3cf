package io.retriever.cli;

import io.retriever.DownloadListener;
import io.retriever.event.ObjectStarted;
import io.retriever.event.StoreReachable;
import io.retriever.event.StoreUnreachable;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Tells the user, one line each, about objects that start over and about outages of the store: in
 * words, or with {@code --json} as one JSON object a line ({@code "event": "store_unreachable"} and
 * {@code "store_reachable"}).
 *
 * <p>Concurrency: called by workers at once; prints one line at a time.
 */
final class Notices implements DownloadListener {
  private final PrintStream out;
  private final boolean json;
  private final boolean quiet;

  Notices(PrintStream out) {
    this(out, false, false);
  }

  /**
   * @param json whether outage notices are JSON objects
   * @param quiet whether to leave outage notices out
   */
  Notices(PrintStream out, boolean json, boolean quiet) {
    this.out = out;
    this.json = json;
    this.quiet = quiet;
  }

  @Override
  public void objectStarted(ObjectStarted event) {
    if (event.restarted()) {
      print(
          "retriever: "
              + event.object().uri()
              + " changed since the interrupted download; downloading it again from the start");
    }
  }

  @Override
  public void storeUnreachable(StoreUnreachable event) {
    if (quiet) {
      return;
    }
    String cause = Flags.translate(String.valueOf(rootMessage(event.cause())));
    if (json) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("event", "store_unreachable");
      fields.put("since", event.since().toString());
      fields.put("cause", cause);
      fields.put("max_outage_s", event.limit().toSeconds());
      print(Report.json(fields));
    } else {
      print(
          "retriever: the store stopped answering ("
              + cause
              + "); retrying each range from its last byte for up to "
              + seconds(event.limit().toSeconds())
              + " without progress");
    }
  }

  @Override
  public void storeReachable(StoreReachable event) {
    if (quiet) {
      return;
    }
    double seconds = event.downtime().toMillis() / 1000.0;
    if (json) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("event", "store_reachable");
      fields.put("downtime_s", Math.round(seconds * 10) / 10.0);
      print(Report.json(fields));
    } else {
      print(
          String.format(
              Locale.ROOT, "retriever: the store answers again after %.1f s; continuing", seconds));
    }
  }

  /** Returns "45 s", "5 min" or "1 h 30 min". */
  static String seconds(long s) {
    if (s < 120 && s % 60 != 0) {
      return s + " s";
    }
    long minutes = s / 60;
    return minutes < 60 || minutes % 60 != 0 && minutes < 120
        ? minutes + " min"
        : minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName()
        + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
  }

  private synchronized void print(String line) {
    out.println("\r" + line);
    out.flush();
  }
}
