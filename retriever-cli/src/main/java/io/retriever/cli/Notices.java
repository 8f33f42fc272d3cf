package io.retriever.cli;

import io.retriever.DownloadListener;
import io.retriever.event.ObjectStarted;
import java.io.PrintStream;

/** Tells the user, one line each, about objects that start over. */
final class Notices implements DownloadListener {
  private final PrintStream out;

  Notices(PrintStream out) {
    this.out = out;
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

  private synchronized void print(String line) {
    out.println("\r" + line);
    out.flush();
  }
}
