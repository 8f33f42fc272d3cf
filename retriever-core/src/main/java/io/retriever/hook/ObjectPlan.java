package io.retriever.hook;

import java.nio.file.Path;
import java.util.Objects;

/** What an {@link ObjectInterceptor} decided for an object. */
public sealed interface ObjectPlan {
  /**
   * Download the object from S3 into {@code target}.
   *
   * @param target its file, or {@code null} when the download does not write files
   */
  record Download(Path target) implements ObjectPlan {}

  /**
   * Do not download the object.
   *
   * @param reason why, for listeners and logs
   */
  record Skip(String reason) implements ObjectPlan {
    /** Checks that a reason is given. */
    public Skip {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Deliver the object from a local file holding exactly its bytes (a cache entry) instead of S3,
   * into {@code target}. Should the file be gone or unreadable, the bytes are fetched from S3
   * instead.
   *
   * @param source the local copy; its size must be the object's
   * @param target where the object lands, as for {@link Download}
   */
  record FromFile(Path source, Path target) implements ObjectPlan {
    /** Checks that a source is given. */
    public FromFile {
      Objects.requireNonNull(source, "source");
    }
  }

  /** Returns a plan that skips the object. */
  static ObjectPlan skip(String reason) {
    return new Skip(reason);
  }
}
