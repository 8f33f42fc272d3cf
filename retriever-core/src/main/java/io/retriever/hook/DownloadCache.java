package io.retriever.hook;

import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local cache of downloaded objects, built on the public hooks: as an {@link ObjectInterceptor}
 * it serves an object already fetched (same bucket, key, ETag and size) from its copy instead of
 * S3; as a {@link PostDownloadHook} it keeps a copy of each object downloaded to a file or into
 * memory. Objects read as streams or chunks are served from it but not added to it.
 *
 * <p>Entries are evicted least recently used first once the cache holds more than its limit. Safe
 * when several processes share the directory: an entry appears by an atomic rename, never torn, and
 * an entry evicted by another process while it is being read is fetched from S3 instead.
 *
 * <p>Layout: {@code DIR/objects/<sha-256 of bucket, key, ETag, size>}, and {@code DIR/tmp/} for
 * copies on their way in.
 *
 * <p>Thread safety: safe for concurrent use by many downloads.
 */
public final class DownloadCache implements ObjectInterceptor, PostDownloadHook {
  private final Path objects;
  private final Path tmp;
  private final long maxBytes;

  /** What the cache holds, as last counted plus what was added since. */
  private final AtomicLong size = new AtomicLong();

  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  private DownloadCache(Path directory, long maxBytes) {
    this.objects = directory.resolve("objects");
    this.tmp = directory.resolve("tmp");
    this.maxBytes = maxBytes;
  }

  /**
   * Opens (creating if needed) a cache in {@code directory} that holds at most {@code maxBytes}.
   *
   * @throws RetrieverException if the directory cannot be created
   */
  public static DownloadCache open(Path directory, long maxBytes) {
    if (maxBytes < 0) {
      throw new RetrieverException(
          Reason.INVALID, "cache size must not be negative, got " + maxBytes + " (e.g. 10GiB)");
    }
    DownloadCache cache = new DownloadCache(directory.toAbsolutePath(), maxBytes);
    try {
      Files.createDirectories(cache.objects);
      Files.createDirectories(cache.tmp);
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO,
          "cannot create cache directory " + directory + " (" + e + "); choose a writable one",
          e);
    }
    cache.size.set(cache.count());
    return cache;
  }

  @Override
  public ObjectPlan intercept(ObjectChain chain) throws Exception {
    ObjectInfo object = chain.object();
    Path entry = entry(object);
    if (entry != null) {
      try {
        if (Files.size(entry) == object.size()) {
          Files.setLastModifiedTime(entry, FileTime.from(Instant.now()));
          hits.incrementAndGet();
          return new ObjectPlan.FromFile(entry, chain.target());
        }
      } catch (NoSuchFileException e) {
        // Not cached.
      }
    }
    misses.incrementAndGet();
    return chain.proceed();
  }

  @Override
  public void afterDownload(DownloadedObject downloaded) throws IOException {
    Path entry = entry(downloaded.object());
    if (downloaded.fromLocalFile()
        || entry == null
        || Files.exists(entry)
        || downloaded.object().size() > maxBytes
        || (downloaded.file() == null && downloaded.bytes() == null)) {
      return;
    }
    Path copy = tmp.resolve(Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      if (downloaded.bytes() != null) {
        Files.write(copy, downloaded.bytes());
      } else {
        Files.copy(downloaded.file(), copy);
      }
      Files.move(copy, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(copy);
    }
    if (size.addAndGet(downloaded.object().size()) > maxBytes) {
      evict();
    }
  }

  /** Returns how many objects were served from the cache. */
  public long hits() {
    return hits.get();
  }

  /** Returns how many objects were looked up and not found. */
  public long misses() {
    return misses.get();
  }

  /** Returns the bytes the cache holds, as last counted. */
  public long sizeBytes() {
    return size.get();
  }

  /** Removes the least recently used entries until the cache holds at most its limit. */
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

  /** Returns the entry's path for an object, or null when it has no ETag to key it by. */
  private Path entry(ObjectInfo object) {
    if (object.eTag() == null) {
      return null;
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String id =
          object.bucket() + '\0' + object.key() + '\0' + object.eTag() + '\0' + object.size();
      return objects.resolve(
          HexFormat.of().formatHex(sha.digest(id.getBytes(StandardCharsets.UTF_8))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
