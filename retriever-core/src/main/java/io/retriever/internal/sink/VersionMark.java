package io.retriever.internal.sink;

import io.retriever.ObjectInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;

/*
 * The mark is a user extended attribute, "retriever.version" = "<size> <etag>", set on the
 * temporary file before the rename, so a file appears with it. File systems without user
 * attributes get none; a file there counts as current when its size and modification time (set to
 * the object's) match.
 */
/** Records on a downloaded file which version of its object it holds. */
final class VersionMark {
  private static final String NAME = "retriever.version";

  private VersionMark() {}

  /** Marks {@code file} as holding {@code object}, and gives it the object's modification time. */
  static void set(Path file, ObjectInfo object) {
    try {
      UserDefinedFileAttributeView view =
          Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
      if (view != null) {
        view.write(NAME, StandardCharsets.UTF_8.encode(object.size() + " " + object.eTag()));
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Without the mark, the modification time below is what a rerun goes by.
    }
    if (object.lastModified() != null) {
      try {
        Files.setLastModifiedTime(file, FileTime.from(object.lastModified()));
      } catch (IOException e) {
        // Only a hint for reruns.
      }
    }
  }

  /** Returns the mark on {@code file}, "size etag", or null if it has none. */
  static String get(Path file) {
    try {
      UserDefinedFileAttributeView view =
          Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
      if (view == null || !view.list().contains(NAME)) {
        return null;
      }
      ByteBuffer buffer = ByteBuffer.allocate(view.size(NAME));
      view.read(NAME, buffer);
      return StandardCharsets.UTF_8.decode(buffer.flip()).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /** Returns whether {@code file} holds exactly this version of {@code object}. */
  static boolean current(Path file, ObjectInfo object) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return false;
    }
    if (!attributes.isRegularFile() || attributes.size() != object.size()) {
      return false;
    }
    String mark = get(file);
    if (mark != null) {
      return mark.equals(object.size() + " " + object.eTag());
    }
    return !supported(file)
        && object.lastModified() != null
        && attributes.lastModifiedTime().toInstant().equals(object.lastModified());
  }

  /**
   * Returns whether {@code file} is one Retriever wrote and nobody changed since: it carries a mark
   * whose size is still its size.
   */
  static boolean ours(Path file) {
    String mark = get(file);
    if (mark == null) {
      return false;
    }
    try {
      return mark.startsWith(Files.size(file) + " ");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean supported(Path file) {
    try {
      UserDefinedFileAttributeView view =
          Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
      if (view == null) {
        return false;
      }
      view.list();
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
