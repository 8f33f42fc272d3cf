package io.retriever.cli;

/** The command's exit codes. */
final class ExitCode {
  static final int OK = 0;
  static final int FAILURE = 1;
  static final int USAGE = 2;

  /** Interrupted (SIGINT): 128 + 2, as shells report it. */
  static final int INTERRUPTED = 130;

  /** The reader of stdout went away: 128 + SIGPIPE, as shells report a tool ended by it. */
  static final int BROKEN_PIPE = 141;

  private ExitCode() {}
}
