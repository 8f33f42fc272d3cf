package io.retriever.examples;

import io.retriever.DownloadRequest;
import io.retriever.DownloadedFile;
import io.retriever.FileDownload;
import io.retriever.FileOptions;
import io.retriever.Retriever;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Iterates a download into a directory: each file is processed (here, its lines counted) as soon as
 * it is complete and checked, while later files still download. The download waits when the
 * processing falls behind, so memory stays bounded however many files there are.
 */
public final class ProcessAsTheyArrive {
  private ProcessAsTheyArrive() {}

  /** Downloads {@code request} into {@code directory} and returns the line count of each key. */
  public static Map<String, Long> countLines(
      Retriever retriever, DownloadRequest request, Path directory) throws IOException {
    Map<String, Long> lines = new TreeMap<>();
    try (FileDownload download =
        retriever.toDirectory(request, directory, FileOptions.defaults().withIterate(true))) {
      for (DownloadedFile file : download) {
        try (Stream<String> text = Files.lines(file.path())) {
          lines.put(file.object().key(), text.count());
        }
      }
    }
    return lines;
  }
}
