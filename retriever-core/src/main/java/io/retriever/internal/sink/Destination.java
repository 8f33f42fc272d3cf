package io.retriever.internal.sink;

import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.internal.pipeline.RefusedKey;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The directory a file sink writes into: decides where a file or a folder marker's directory may go
 * (below the destination, no file of another key on the way, no symbolic link leading out) and
 * creates the directories.
 *
 * <p>Concurrency: {@link #checkFile}, {@link #makeDirectory} and {@link #folder} are called on one
 * thread at a time (the chunker, the lister); the set of files is shared.
 */
final class Destination {
  /** The directory no file may be written outside of. */
  private final Path root;

  /** Directories already checked and created; only the chunker thread uses it. */
  private final Set<Path> checkedDirectories = new HashSet<>();

  /** The final path of every object opened, so that a key cannot need one as a directory. */
  private final Set<Path> files = ConcurrentHashMap.newKeySet();

  /** The destination with every link in it resolved, once. */
  private Path realRoot;

  Destination(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /**
   * Makes a folder marker's directory, empty, with the checks a file's directory gets: below the
   * destination, no file (another key's) on the way, no symbolic link leading out.
   */
  Path folder(ObjectInfo marker, Path directory) {
    Path path = directory.toAbsolutePath().normalize();
    for (Path p = path; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
      if (files.contains(p) || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new RefusedKey(
            "cannot make folder marker "
                + marker.uri()
                + " the directory "
                + path
                + ": "
                + p
                + " is a file (another key's)");
      }
    }
    try {
      // Checked before creating anything, so that a link cannot lead the new directory out.
      Path existing = path;
      while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      if (!existing.toRealPath().startsWith(realRoot())) {
        throw new RefusedKey(
            "refusing folder marker "
                + marker.uri()
                + ": a symbolic link inside "
                + root
                + " leads out of it");
      }
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO, "cannot resolve " + path + " (" + reason(e) + ")", e);
    }
    createDirectories(path);
    return path;
  }

  /**
   * Checks that {@code object} may be written to {@code target}; returns the normalized path.
   *
   * @throws RefusedKey saying why it may not
   */
  Path checkFile(ObjectInfo object, Path target, boolean overwrite) {
    Path path = target.toAbsolutePath().normalize();
    if (!path.startsWith(root) || path.equals(root)) {
      throw new RefusedKey(
          "refusing key '" + object.key() + "': it would be written outside " + root);
    }
    BasicFileAttributes existing = attributesIfAny(path);
    if (existing != null && existing.isSymbolicLink()) {
      throw new RefusedKey(
          "refusing to write " + object.uri() + " to " + path + ": it is a symbolic link");
    }
    if (existing != null && existing.isDirectory()) {
      throw new RefusedKey(
          "cannot write "
              + object.uri()
              + " to "
              + path
              + ": a directory of that name exists (another key has it as a prefix); keys 'a'"
              + " and 'a/b' cannot both be files");
    }
    if (!overwrite && existing != null && !VersionMark.ours(path, object)) {
      throw new RefusedKey(VersionMark.refusal(path, object));
    }
    return path;
  }

  /** Checks and creates the directory of {@code path}, once per directory. */
  void makeDirectory(ObjectInfo object, Path path) {
    Path parent = path.getParent();
    if (!checkedDirectories.contains(parent)) {
      checkDirectory(object, path, parent);
      checkedDirectories.add(parent);
    }
  }

  /** Records that {@code path} is a file of this download, so no key may need it as a directory. */
  void opened(Path path) {
    files.add(path);
  }

  /**
   * Returns what is at {@code path}, not following a link, or null if nothing is or it cannot be
   * seen (then creating the temporary file says why).
   */
  private static BasicFileAttributes attributesIfAny(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Checks that {@code parent} can hold {@code path}: no file (another key's) on the way to it, and
   * no symbolic link that leads out of the destination; creates it.
   */
  private void checkDirectory(ObjectInfo object, Path path, Path parent) {
    for (Path p = parent; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
      if (files.contains(p) || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new RefusedKey(
            "cannot write "
                + object.uri()
                + " to "
                + path
                + ": "
                + p
                + " is a file (another key's); keys 'a' and 'a/b' cannot both be files");
      }
    }
    createDirectories(parent);
    try {
      if (!parent.toRealPath().startsWith(realRoot())) {
        throw new RefusedKey(
            "refusing to write "
                + object.uri()
                + " to "
                + path
                + ": a symbolic link inside "
                + root
                + " leads out of it");
      }
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO, "cannot resolve " + parent + " (" + reason(e) + ")", e);
    }
  }

  private Path realRoot() throws IOException {
    if (realRoot == null) {
      realRoot = root.toRealPath();
    }
    return realRoot;
  }

  /**
   * Creates {@code directory} and its parents if they are missing.
   *
   * @throws RetrieverException that says why it cannot be done and what to do
   */
  static void createDirectories(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO,
          "cannot create directory "
              + directory
              + " ("
              + reason(e)
              + "); choose a writable destination",
          e);
    }
  }

  /** Returns why a file operation failed, in a few words. */
  /** Returns the error for an object that cannot be written into {@code directory}. */
  static RetrieverException cannotWrite(ObjectInfo object, Path directory, IOException e) {
    return new RetrieverException(
        Reason.LOCAL_IO,
        "cannot write "
            + object.uri()
            + " into "
            + directory
            + " ("
            + reason(e)
            + "); choose a writable destination",
        e);
  }

  static String reason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return e.toString();
  }
}
