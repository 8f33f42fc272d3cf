package io.retriever;

/** What a throwing hook fails. */
public enum HookFailure {
  /**
   * The object the hook was called for fails; the rest of the download goes on and {@code await()}
   * reports the failed objects at the end. A hook that throws for no particular object (download
   * started, progress, download completed) still fails the download. The default.
   */
  FAIL_OBJECT,
  /** The whole download fails at the first hook that throws. */
  FAIL_DOWNLOAD
}
