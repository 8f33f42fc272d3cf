package io.retriever.cli;

/** The {@code retriever} command's entry point. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = run(args);
    // A signal's clean-up may have made the command fail on its way out: the signal decides.
    System.exit(GetCommand.interrupted ? ExitCode.INTERRUPTED : code);
  }

  /** Runs the command line and returns its exit code: 0 success, 1 failure, 2 usage error. */
  public static int run(String... args) {
    return RetrieverCommand.commandLine().execute(args);
  }
}
