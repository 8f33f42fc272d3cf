package io.retriever.internal.sink;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The permissions of a file sink's files: owner-only while temporary, what the umask gives a new
 * file once complete.
 *
 * <p>Concurrency: {@link #forComplete} is called by the chunker thread only.
 */
final class FilePermissions {
  /** Owner-only access, for temporary files. */
  static final FileAttribute<?>[] OWNER_ONLY =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
          ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
          }
          : new FileAttribute<?>[0];

  /** What a new file gets by default here (the umask's say), for complete files; once. */
  private Set<PosixFilePermission> complete;

  private boolean probed;

  /**
   * Returns what a complete file in {@code directory} gets, or null to leave the temporary file's;
   * learns it the first time by creating a file.
   */
  Set<PosixFilePermission> forComplete(Path directory) {
    if (!probed && OWNER_ONLY.length > 0) {
      probed = true;
      Path probe =
          directory.resolve(
              ".retriever-probe-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
      try {
        Files.createFile(probe);
        complete = Files.getPosixFilePermissions(probe);
      } catch (IOException | UnsupportedOperationException e) {
        // No POSIX permissions to learn here: complete files keep the temporary file's.
        complete = null;
      } finally {
        try {
          Files.deleteIfExists(probe);
        } catch (IOException ignored) {
          // A stray empty probe file is harmless.
        }
      }
    }
    return complete;
  }
}
