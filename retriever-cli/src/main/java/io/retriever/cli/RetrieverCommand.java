package io.retriever.cli;

import io.retriever.RetrieverException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code retriever} command. */
@Command(
    name = "retriever",
    mixinStandardHelpOptions = true,
    versionProvider = RetrieverCommand.Version.class,
    description =
        "Downloads from Amazon S3 and S3-compatible stores as fast as the network allows,"
            + " with bounded memory.",
    subcommands = {
      GetCommand.class,
      LsCommand.class,
      DemoCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
final class RetrieverCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "give a command: get, ls, demo or bench");
  }

  /**
   * Returns the command line with Retriever's error handling: one line, exit 1 for a failure and 2
   * for a usage error.
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new RetrieverCommand());
    cli.setParameterExceptionHandler(new UsageError());
    cli.setExecutionExceptionHandler(
        (error, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          boolean debug =
              parseResult.subcommand() != null
                  && parseResult.subcommand().hasMatchedOption("--debug");
          if (debug) {
            error.printStackTrace(err);
          }
          if (GetCommand.interrupted) {
            // The process is exiting on a signal, whose handler prints the one line.
            return ExitCode.FAILURE;
          }
          if (error instanceof RetrieverException) {
            err.println("retriever: " + Flags.translate(error.getMessage()));
          } else {
            err.println(
                "retriever: unexpected error: "
                    + error
                    + (debug ? "" : " (run with --debug for details)"));
          }
          err.flush();
          return ExitCode.FAILURE;
        });
    return cli;
  }

  /**
   * Says the version (from the jar's manifest), the Java VM it runs on, and whether the start-up
   * archive the launcher records is in use.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = RetrieverCommand.class.getPackage().getImplementationVersion();
      return new String[] {
        "retriever " + (version == null ? "(development build)" : version),
        "JVM: "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.vm.version")
            + " ("
            + System.getProperty("java.home")
            + ")",
        "start-up archive: " + archive()
      };
    }

    /** Describes the class-data archive the JVM was given, and whether it maps it. */
    private static String archive() {
      String file = Launcher.archive();
      if (file == null) {
        String intended = System.getProperty(Launcher.ARCHIVE_PROPERTY);
        return intended == null
            ? "none (started without the retriever launcher, which records one on first use)"
            : "none (the launcher could not record one at " + intended + ")";
      }
      return (Launcher.sharing() ? "in use (" : "not in use, the JVM could not map it (")
          + file
          + ")";
    }
  }
}
