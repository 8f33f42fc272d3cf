package io.retriever.hook;

/**
 * Runs after each object is complete (its file renamed into place, or its bytes held): verify it,
 * decompress it, move it, hand it on to another system. Hooks run in the order they were added, on
 * the download's finisher threads, while further downloads continue; the object counts as completed
 * only when every hook has returned.
 *
 * <p>A hook that throws fails the object: its file is removed from its final name (unless the hook
 * moved it away), its bytes are dropped from the results.
 *
 * <p>Thread: finisher threads, different objects at once: implementations must be thread-safe.
 */
@FunctionalInterface
public interface PostDownloadHook {
  /** Called once per completed object. */
  void afterDownload(DownloadedObject object) throws Exception;
}
