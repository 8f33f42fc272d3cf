package io.retriever.cli;

/** The command's exit codes. */
final class ExitCode {
  static final int OK = 0;
  static final int FAILURE = 1;
  static final int USAGE = 2;

  private ExitCode() {}
}
