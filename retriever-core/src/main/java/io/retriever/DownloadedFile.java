package io.retriever;

import java.nio.file.Path;

/**
 * An object downloaded to a file.
 *
 * @param object the object
 * @param path where it landed
 * @param bytes its content when the download also keeps it in memory, else {@code null}
 * @param unverified why its bytes could not be checked as a whole, for people, or {@code null} when
 *     they were
 */
public record DownloadedFile(ObjectInfo object, Path path, byte[] bytes, String unverified) {
  /** Describes a file whose bytes were checked. */
  public DownloadedFile(ObjectInfo object, Path path, byte[] bytes) {
    this(object, path, bytes, null);
  }
}
