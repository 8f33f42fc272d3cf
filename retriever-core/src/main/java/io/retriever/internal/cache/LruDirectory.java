package io.retriever.internal.cache;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Concurrency: lookups and additions run on many threads at once, and other processes may share
 * the directory. An entry appears by an atomic rename from tmp/, so a reader never sees it torn;
 * an entry that disappears between being found and being read is a miss. The byte count is a
 * hint, recounted from the directory on every eviction, which is synchronized so that one thread
 * of this process evicts at a time.
 *
 * Eviction: least recently used first, "used" being the file's modification time, which a hit
 * sets to now.
 */
/**
 * Keeps files under names of the caller's choosing in {@code DIR/objects}, at most a given number
 * of bytes in all, evicting the least recently used first; {@code DIR/tmp} holds files on their way
 * in.
 */
public final class LruDirectory {
  /** Writes an entry's content to a new file. */
  @FunctionalInterface
  public interface Writer {
    /** Writes the content to {@code file}, which does not exist yet. */
    void writeTo(Path file) throws IOException;
  }

  /** The entries, one file each. */
  private final Path objects;

  /** Files being written, renamed into {@link #objects} when complete. */
  private final Path tmp;

  /** The most bytes the entries may hold after an eviction. */
  private final long maxBytes;

  /** What the directory holds, as last counted plus what was added since. */
  private final AtomicLong size = new AtomicLong();

  private LruDirectory(Path directory, long maxBytes) {
    this.objects = directory.resolve("objects");
    this.tmp = directory.resolve("tmp");
    this.maxBytes = maxBytes;
  }

  /** Opens (creating if needed) the directory and counts what it holds. */
  public static LruDirectory open(Path directory, long maxBytes) throws IOException {
    LruDirectory lru = new LruDirectory(directory, maxBytes);
    Files.createDirectories(lru.objects);
    Files.createDirectories(lru.tmp);
    lru.size.set(lru.count());
    return lru;
  }

  /** Returns the most bytes the entries may hold. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Returns the bytes the entries hold, as last counted plus what was added since. */
  public long sizeBytes() {
    return size.get();
  }

  /**
   * Returns the entry {@code name} when it exists and holds {@code length} bytes, marking it as
   * just used; returns null otherwise.
   */
  public Path find(String name, long length) throws IOException {
    Path entry = objects.resolve(name);
    try {
      if (Files.size(entry) == length) {
        Files.setLastModifiedTime(entry, FileTime.from(Instant.now()));
        return entry;
      }
    } catch (NoSuchFileException e) {
      // Not there, or evicted meanwhile.
    }
    return null;
  }

  /** Returns whether the entry {@code name} exists. */
  public boolean contains(String name) {
    return Files.exists(objects.resolve(name));
  }

  /**
   * Adds the entry {@code name} of {@code length} bytes, written by {@code writer}, then evicts
   * entries if the directory holds more than its limit.
   */
  public void add(String name, long length, Writer writer) throws IOException {
    Path copy = tmp.resolve(Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      writer.writeTo(copy);
      Files.move(
          copy,
          objects.resolve(name),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(copy);
    }
    if (size.addAndGet(length) > maxBytes) {
      evict();
    }
  }

  /** Removes the least recently used entries until the directory holds at most its limit. */
  private synchronized void evict() throws IOException {
    if (size.get() <= maxBytes) {
      return;
    }
    record Entry(Path path, long size, FileTime used) {}
    List<Entry> entries = new ArrayList<>();
    long total = 0;
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(objects)) {
      for (Path path : dir) {
        try {
          BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
          entries.add(new Entry(path, a.size(), a.lastModifiedTime()));
          total += a.size();
        } catch (NoSuchFileException e) {
          // Evicted by another process meanwhile.
        }
      }
    }
    entries.sort(Comparator.comparing(Entry::used));
    for (Entry e : entries) {
      if (total <= maxBytes) {
        break;
      }
      Files.deleteIfExists(e.path());
      total -= e.size();
    }
    size.set(total);
  }

  private long count() {
    long total = 0;
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(objects)) {
      for (Path path : dir) {
        try {
          total += Files.size(path);
        } catch (NoSuchFileException e) {
          // Evicted meanwhile.
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return total;
  }
}
