package io.retriever.internal.sink;

import io.retriever.ObjectInfo;
import io.retriever.internal.Fixes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;

/*
 * The mark is a user extended attribute, "retriever.version" = "<size> <mtime ms> <etag> <s3 URI>",
 * set on the temporary file before the rename, so a file appears with it. The URI says which object
 * the file holds, so that a file of one object is never taken for another's; marks written before
 * it was recorded ("<size> <mtime ms> <etag>") still vouch for the same ETag. Size and modification time are
 * what the file had when it was written: an edit changes them, and the file is then no longer
 * taken for the object's version. File systems without user attributes get no mark; a file there
 * counts as current when its size and modification time (set to the object's) match.
 */
/** Records on a downloaded file which version of its object it holds. */
final class VersionMark {
  private static final String NAME = "retriever.version";

  private VersionMark() {}

  /** Gives {@code file} the object's modification time and marks it as holding {@code object}. */
  static void set(Path file, ObjectInfo object) {
    try {
      if (object.lastModified() != null) {
        Files.setLastModifiedTime(file, FileTime.from(object.lastModified()));
      }
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      UserDefinedFileAttributeView view =
          Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
      if (view != null) {
        view.write(NAME, StandardCharsets.UTF_8.encode(stamp(a) + " " + version(object)));
      }
    } catch (IOException | UnsupportedOperationException e) {
      // No user attributes here (or the file went away): without the mark, a rerun downloads the
      // object again, which is slower but never wrong.
    }
  }

  /** Returns whether {@code file} holds exactly this version of {@code object}, unchanged since. */
  static boolean current(Path file, ObjectInfo object) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return false;
    }
    if (!a.isRegularFile() || a.size() != object.size()) {
      return false;
    }
    Mark mark = read(file);
    if (mark.value() != null) {
      return mark.value().equals(stamp(a) + " " + version(object))
          || mark.value().equals(stamp(a) + " " + object.eTag());
    }
    return !mark.supported()
        && object.lastModified() != null
        && a.lastModifiedTime().toInstant().equals(object.lastModified());
  }

  /**
   * Returns whether {@code file} is one Retriever wrote from {@code object} (any version of it) and
   * nobody changed since: only such a file may be replaced without being told to.
   */
  static boolean ours(Path file, ObjectInfo object) {
    String mark = read(file).value();
    if (mark == null) {
      return false;
    }
    String stamp;
    try {
      stamp = stamp(Files.readAttributes(file, BasicFileAttributes.class)) + " ";
    } catch (IOException e) {
      return false;
    }
    if (!mark.startsWith(stamp)) {
      return false;
    }
    String rest = mark.substring(stamp.length());
    // A mark from before the URI was recorded vouches only for the same bytes (the same ETag).
    return rest.endsWith(" " + object.uri()) || rest.equals(String.valueOf(object.eTag()));
  }

  /**
   * Returns why {@code file}, which exists, may not be replaced by {@code object} unless
   * overwriting is allowed: it was changed since Retriever wrote it from this object, or it is not
   * a copy of the object Retriever wrote.
   */
  static String refusal(Path file, ObjectInfo object) {
    String mark = read(file).value();
    if (mark != null && mark.endsWith(" " + object.uri())) {
      return file
          + " was changed locally since Retriever downloaded "
          + object.uri()
          + " to it, so it is kept; overwriting ("
          + Fixes.OVERWRITE
          + ") replaces it";
    }
    return file
        + " already exists and is not a copy of "
        + object.uri()
        + " that Retriever wrote; to replace it, allow overwriting ("
        + Fixes.OVERWRITE
        + ")";
  }

  /** Returns what the mark records of the object: its ETag and address. */
  private static String version(ObjectInfo object) {
    return object.eTag() + " " + object.uri();
  }

  private static String stamp(BasicFileAttributes a) {
    return a.size() + " " + a.lastModifiedTime().toMillis();
  }

  /**
   * What a file carries.
   *
   * @param supported whether its file system keeps user attributes
   * @param value its mark, or null for none
   */
  private record Mark(boolean supported, String value) {}

  private static Mark read(Path file) {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
    if (view == null) {
      return new Mark(false, null);
    }
    try {
      if (!view.list().contains(NAME)) {
        return new Mark(true, null);
      }
      ByteBuffer buffer = ByteBuffer.allocate(view.size(NAME));
      view.read(NAME, buffer);
      return new Mark(true, StandardCharsets.UTF_8.decode(buffer.flip()).toString());
    } catch (IOException | UnsupportedOperationException e) {
      // The file system refuses user attributes ("Operation not supported"): no mark can be had,
      // and the modification time is what tells a current file.
      return new Mark(false, null);
    }
  }
}
