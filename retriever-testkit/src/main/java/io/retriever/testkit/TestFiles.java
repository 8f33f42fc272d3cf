package io.retriever.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
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
   * Returns how many chunks a resume journal records as written whole (its complete lines that hold
   * a chunk's index alone), or 0 if there is no journal (yet).
   */
  public static int journalChunks(Path journal) {
    if (journal == null) {
      return 0;
    }
    try {
      String text = Files.readString(journal, StandardCharsets.US_ASCII);
      int end = text.lastIndexOf('\n');
      return end < 0
          ? 0
          : (int) text.substring(0, end).lines().filter(l -> l.matches("[0-9]+")).count();
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the temporary files in {@code dir} (not below it) that stand for the file {@code name}:
   * {@code .NAME.<16 hex digits>.retriever-part}.
   */
  public static List<Path> partFiles(Path dir, String name) {
    Pattern pattern =
        Pattern.compile("\\." + Pattern.quote(name) + "\\.[0-9a-f]{16}\\.retriever-part");
    try (Stream<Path> all = Files.list(dir)) {
      return all.filter(p -> pattern.matcher(p.getFileName().toString()).matches()).toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the journal of the temporary file for {@code name} in {@code dir}, or null. */
  public static Path journal(Path dir, String name) {
    for (Path part : partFiles(dir, name)) {
      Path journal = part.resolveSibling(part.getFileName() + ".journal");
      if (Files.exists(journal)) {
        return journal;
      }
    }
    return null;
  }

  /** Returns every temporary file or journal below {@code dir}, as paths relative to it. */
  public static List<String> temporaryFiles(Path dir) {
    return regularFiles(dir).stream().filter(f -> f.contains(".retriever-")).toList();
  }
}
