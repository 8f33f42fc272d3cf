package io.retriever.internal.sink;

import io.retriever.ObjectInfo;
import io.retriever.internal.Text;
import io.retriever.internal.pipeline.RefusedKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Maps keys to paths below a destination directory, refusing every key that could write outside it
 * or that no file can be named after: {@code ..} or {@code .} segments, absolute keys, empty
 * segments ({@code a//b}), backslashes, NUL and other control characters, segments longer than 255
 * bytes, and keys ending in {@code /} (folder markers).
 */
public final class SafePaths {
  /** The longest file name most file systems allow, in bytes. */
  static final int MAX_NAME_BYTES = 255;

  private SafePaths() {}

  /**
   * Returns where {@code relativeKey} (the object's key below the request's base) lands below
   * {@code root}.
   *
   * @throws RefusedKey naming the key and why, if it is not safe
   */
  public static Path resolve(Path root, String relativeKey, ObjectInfo object) {
    String why = problem(relativeKey);
    if (why != null) {
      throw new RefusedKey(
          "refusing key '"
              + Text.printable(object.key())
              + "' in bucket "
              + object.bucket()
              + ": "
              + why);
    }
    Path path = root.resolve(relativeKey).normalize();
    if (!path.startsWith(root.normalize()) || path.equals(root.normalize())) {
      throw new RefusedKey(
          "refusing key '"
              + Text.printable(object.key())
              + "': it would be written outside "
              + root);
    }
    return path;
  }

  /** Returns why a relative key is not safe as a path, or null if it is. */
  static String problem(String key) {
    if (key.isEmpty()) {
      return "it names the destination itself";
    }
    if (key.endsWith("/")) {
      return "it ends in / (a folder marker), so no file can have its name";
    }
    if (key.startsWith("/")) {
      return "it is absolute (starts with /)";
    }
    if (key.indexOf('\\') >= 0) {
      return "it holds a backslash, which some systems read as a separator";
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return c == 0 ? "it holds a NUL character" : "it holds a control character";
      }
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty()) {
        return "it has an empty path segment (//)";
      }
      if (segment.equals(".") || segment.equals("..")) {
        return "it has a '" + segment + "' path segment";
      }
      if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        return "a name in it is longer than " + MAX_NAME_BYTES + " bytes, the file system's limit";
      }
    }
    return null;
  }

  /**
   * Returns where each object lands below {@code directory}: at its key's path below {@code base}
   * (the prefix up to its last {@code /}), or at its whole key when it is not under it; refused
   * when that path would leave the directory.
   */
  public static Function<ObjectInfo, Path> below(Path directory, String base) {
    Path root = directory.toAbsolutePath().normalize();
    return object ->
        resolve(
            root,
            object.key().startsWith(base) ? object.key().substring(base.length()) : object.key(),
            object);
  }
}
