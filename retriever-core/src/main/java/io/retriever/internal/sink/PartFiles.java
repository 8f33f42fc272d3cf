package io.retriever.internal.sink;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/*
 * Why every temporary file has a name of its own: two writers of one object (two processes, or
 * two Retrievers in one JVM, downloading into one directory) must never share a file, or one
 * truncates what the other is about to rename into place. A name is ".NAME.<16 hex>.retriever-part",
 * created with CREATE_NEW, so it is never created twice; a writer holds a lock on its file from
 * creation until the file is renamed into place (the rename happens while the lock is held), so a
 * file that nobody can lock was left by a writer that is gone.
 *
 * Taking over such a leftover (to resume it): lock it, then rename it to a fresh name of one's own.
 * If the rename succeeds, the file renamed is the one locked, because a name, once vacated, is
 * never used again. A writer that created its file checks, once it holds the lock, that its name
 * still exists: in the instant between creation and locking, a scanner may have taken the file
 * for a leftover, and the writer then starts again under another name.
 *
 * The locks are POSIX record locks, which belong to the process and are all dropped when the
 * process closes any descriptor of the file. So nothing here opens a file another writer of this
 * JVM holds (the set HELD names them), and a writer finishing a file first renames it out of the
 * scanners' sight (".retriever-done") before it sets attributes that open the file.
 */
/**
 * Names, creates and takes over the temporary files of a file sink.
 *
 * <p>Concurrency: {@link #leftovers} on the chunker thread only; the static methods anywhere.
 */
final class PartFiles {
  static final String SUFFIX = ".retriever-part";

  /** What a complete file is renamed to before it gets its attributes and its final name. */
  private static final String DONE_SUFFIX = ".retriever-done";

  /** The temporary files writers of this JVM hold or are creating. */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private static final String JOURNAL_SUFFIX = SUFFIX + Journal.SUFFIX;

  /** Longest file name kept in a temporary file's name. */
  private static final int MAX_NAME = 128;

  /** Attempts at creating a fresh temporary file; each fails only if a scanner took the last. */
  private static final int CREATE_ATTEMPTS = 5;

  /** How a fresh temporary file is opened: read back for a SHA check, never created twice. */
  private static final Set<StandardOpenOption> CREATE =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);

  /** A temporary file held by this writer: its name and its open, locked channel. */
  record Held(Path path, FileChannel channel) {
    /**
     * Renames the file out of scanners' sight, where opening it (to set attributes) cannot let
     * another writer take it, and returns its new name.
     */
    Path setAside() throws IOException {
      String name = path.getFileName().toString();
      Path aside =
          path.resolveSibling(name.substring(0, name.length() - SUFFIX.length()) + DONE_SUFFIX);
      Files.move(path, aside, StandardCopyOption.ATOMIC_MOVE);
      return aside;
    }

    /** Closes the channel (dropping the lock) and lets writers of this JVM look at the file. */
    void release() throws IOException {
      try {
        channel.close();
      } finally {
        HELD.remove(path);
      }
    }
  }

  /** Per directory scanned, the temporary files and journals found, by the name they stand for. */
  private final Map<Path, Map<String, List<Path>>> found = new HashMap<>();

  /** Returns the part of a temporary file's name that stands for the final name. */
  private static String stem(String name) {
    return name.length() > MAX_NAME
        ? name.substring(0, MAX_NAME) + "~" + Integer.toHexString(name.hashCode())
        : name;
  }

  private static Path freshName(Path target) {
    String tag = String.format("%016x", ThreadLocalRandom.current().nextLong());
    return target.resolveSibling("." + stem(target.getFileName().toString()) + "." + tag + SUFFIX);
  }

  /** Creates a temporary file for {@code target} under a fresh name, and locks it. */
  static Held create(Path target, FileAttribute<?>... attributes) throws IOException {
    for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      Path path = freshName(target);
      HELD.add(path);
      FileChannel channel = null;
      try {
        channel = FileChannel.open(path, CREATE, attributes);
        if (lock(channel) && Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
          return new Held(path, channel);
        }
        channel.close();
        HELD.remove(path);
      } catch (IOException | RuntimeException e) {
        // Interrupted, or the disk refused: leave nothing behind under a name only this writer
        // knows.
        if (channel != null) {
          channel.close();
        }
        Files.deleteIfExists(path);
        HELD.remove(path);
        throw e;
      }
    }
    throw new IOException("cannot create a temporary file beside " + target);
  }

  /**
   * Takes over a temporary file whose writer is gone: locks it and renames it to a fresh name.
   * Returns null if a running writer holds it or it has gone meanwhile.
   */
  static Held claim(Path leftover, Path target) throws IOException {
    if (HELD.contains(leftover)) {
      return null; // A writer of this JVM holds it; opening it would drop that writer's lock.
    }
    FileChannel channel;
    try {
      channel =
          FileChannel.open(leftover, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
    } catch (NoSuchFileException e) {
      return null;
    }
    Path mine = freshName(target);
    HELD.add(mine);
    try {
      if (!lock(channel)) {
        channel.close();
        HELD.remove(mine);
        return null;
      }
      Files.move(leftover, mine, StandardCopyOption.ATOMIC_MOVE);
      return new Held(mine, channel);
    } catch (NoSuchFileException e) {
      channel.close();
      HELD.remove(mine);
      return null;
    } catch (IOException | RuntimeException e) {
      channel.close();
      HELD.remove(mine);
      throw e;
    }
  }

  /** Returns whether this channel now holds the only lock on its file. */
  private static boolean lock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock() != null;
    } catch (OverlappingFileLockException e) {
      return false; // Another writer in this JVM holds it.
    }
  }

  /**
   * Returns the temporary files other writers left for {@code target}, as the first look into its
   * directory found them (one listing per directory and download), and removes journals left
   * without their temporary file.
   */
  List<Path> leftovers(Path target) {
    Path directory = target.getParent();
    Map<String, List<Path>> byName = found.computeIfAbsent(directory, PartFiles::scan);
    List<Path> all = byName.remove(stem(target.getFileName().toString()));
    if (all == null) {
      return List.of();
    }
    List<Path> parts = new ArrayList<>();
    for (Path p : all) {
      String name = p.getFileName().toString();
      if (name.endsWith(SUFFIX)) {
        parts.add(p);
      } else {
        Path part = p.resolveSibling(name.substring(0, name.length() - Journal.SUFFIX.length()));
        if (!Files.exists(part, LinkOption.NOFOLLOW_LINKS)) {
          try {
            Files.deleteIfExists(p);
          } catch (IOException ignored) {
            // A stray journal is harmless: nothing trusts it without its file.
          }
        }
      }
    }
    return parts;
  }

  private static Map<String, List<Path>> scan(Path directory) {
    Map<String, List<Path>> byName = new HashMap<>();
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(directory, ".*" + SUFFIX + "{,.journal}")) {
      for (Path p : entries) {
        String stem = stemOf(p.getFileName().toString());
        if (stem != null) {
          byName.computeIfAbsent(stem, k -> new ArrayList<>()).add(p);
        }
      }
    } catch (IOException e) {
      // Nothing to take over here: every object starts afresh.
    }
    return byName;
  }

  /** Returns the final name a temporary file or journal stands for, or null if it is not one. */
  private static String stemOf(String name) {
    String base =
        name.endsWith(JOURNAL_SUFFIX)
            ? name.substring(0, name.length() - JOURNAL_SUFFIX.length())
            : name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : null;
    if (base == null || base.length() < 19 || base.charAt(base.length() - 17) != '.') {
      return null;
    }
    String tag = base.substring(base.length() - 16);
    if (!tag.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return null;
    }
    return base.substring(1, base.length() - 17);
  }
}
