package io.retriever.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What a download left on disk, for tests. */
public final class TestFiles {
  private TestFiles() {}

  /** Returns the regular files below {@code dir}, as paths relative to it, sorted. */
  public static List<String> regularFiles(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns how many chunks a resume journal records as written (its complete lines but the
   * header), or 0 if there is no journal yet.
   */
  public static int journalChunks(Path journal) {
    try {
      String text = Files.readString(journal, StandardCharsets.US_ASCII);
      return (int) Math.max(0, text.chars().filter(c -> c == '\n').count() - 1);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
