package io.retriever.internal.sink;

import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Puts in place a file that holds an object's bytes but was written outside a download, under the
 * same rules as a downloaded one: the version mark goes on before the rename, and a file in the way
 * is replaced only when Retriever wrote it from the same object, or when told to overwrite.
 */
public final class Adoption {
  private Adoption() {}

  /** Returns whether {@code file} holds exactly this version of {@code object}, unchanged since. */
  public static boolean current(Path file, ObjectInfo object) {
    return VersionMark.current(file, object);
  }

  /**
   * Marks {@code file} as holding {@code object} and renames it to {@code target}.
   *
   * @throws RetrieverException {@link Reason#LOCAL_IO} if something else is at the target, or the
   *     rename fails
   */
  public static void place(ObjectInfo object, Path file, Path target, boolean overwrite) {
    BasicFileAttributes existing;
    try {
      existing = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      existing = null;
    }
    if (existing != null
        && (existing.isDirectory()
            || existing.isSymbolicLink()
            || (!overwrite && !VersionMark.ours(target, object)))) {
      throw new RetrieverException(Reason.LOCAL_IO, VersionMark.refusal(target, object));
    }
    try {
      VersionMark.set(file, object);
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO, "cannot move " + file + " to " + target + ": " + e, e);
    }
  }
}
