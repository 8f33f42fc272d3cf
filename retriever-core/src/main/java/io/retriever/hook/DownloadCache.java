package io.retriever.hook;

import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.internal.cache.LruDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
  private final LruDirectory entries;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  private DownloadCache(LruDirectory entries) {
    this.entries = entries;
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
    try {
      return new DownloadCache(LruDirectory.open(directory.toAbsolutePath(), maxBytes));
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO,
          "cannot create cache directory " + directory + " (" + e + "); choose a writable one",
          e);
    }
  }

  @Override
  public ObjectPlan intercept(ObjectChain chain) throws Exception {
    ObjectInfo object = chain.object();
    String name = name(object);
    Path entry = name == null ? null : entries.find(name, object.size());
    if (entry != null) {
      hits.incrementAndGet();
      return new ObjectPlan.FromFile(entry, chain.target());
    }
    misses.incrementAndGet();
    return chain.proceed();
  }

  @Override
  public void afterDownload(DownloadedObject downloaded) throws IOException {
    String name = name(downloaded.object());
    if (downloaded.fromLocalFile()
        || name == null
        || entries.contains(name)
        || downloaded.object().size() > entries.maxBytes()
        || (downloaded.file() == null && downloaded.bytes() == null)) {
      return;
    }
    entries.add(
        name,
        downloaded.object().size(),
        copy -> {
          if (downloaded.bytes() != null) {
            Files.write(copy, downloaded.bytes());
          } else {
            Files.copy(downloaded.file(), copy);
          }
        });
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
    return entries.sizeBytes();
  }

  /** Returns the entry's name for an object, or null when it has no ETag to key it by. */
  private static String name(ObjectInfo object) {
    if (object.eTag() == null) {
      return null;
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String id =
          object.bucket() + '\0' + object.key() + '\0' + object.eTag() + '\0' + object.size();
      return HexFormat.of().formatHex(sha.digest(id.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
