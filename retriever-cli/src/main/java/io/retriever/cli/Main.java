package io.retriever.cli;

/** The {@code retriever} command's entry point. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code: 0 success, 1 failure, 2 usage error. */
  public static int run(String... args) {
    return RetrieverCommand.commandLine().execute(args);
  }
}
