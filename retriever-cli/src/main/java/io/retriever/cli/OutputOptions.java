package io.retriever.cli;

import picocli.CommandLine.Option;

/** Options that choose what a download prints. */
final class OutputOptions {
  @Option(
      names = {"-q", "--quiet"},
      description = "Print nothing but errors.")
  boolean quiet;

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @Option(
      names = "--progress",
      negatable = true,
      description = "Show a progress bar (default: only on a terminal).")
  Boolean progress;

  /** Returns whether to draw a progress bar. */
  boolean showProgress() {
    if (quiet) {
      return false;
    }
    return progress != null ? progress : System.console() != null;
  }
}
