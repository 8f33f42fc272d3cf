package io.retriever.cli;

import io.retriever.RetrieverException;
import io.retriever.S3Uri;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Says a usage error in one line, exit 2: what was wrong, the word probably meant ("did you mean
 * --chunk-size?"), and which help lists the options. Only arguments that look like options are
 * called unknown options: a destination after a mistyped option is never reported as one.
 */
final class UsageError implements CommandLine.IParameterExceptionHandler {
  @Override
  public int handleParseException(ParameterException error, String[] args) {
    CommandLine command = error.getCommandLine();
    PrintWriter err = command.getErr();
    String message = describe(error);
    boolean top = command.getCommandSpec().parent() == null;
    err.println(
        "retriever: "
            + message
            + (message.endsWith(".") || message.endsWith("?") ? " " : "; ")
            + "'"
            + command.getCommandSpec().qualifiedName()
            + " --help' lists the "
            + (top ? "commands" : "options"));
    err.flush();
    return ExitCode.USAGE;
  }

  /** Returns what was wrong, with a suggestion when an unknown word is close to a known one. */
  static String describe(ParameterException error) {
    if (error instanceof UnmatchedArgumentException unmatched
        && !unmatched.getUnmatched().isEmpty()) {
      CommandSpec spec = unmatched.getCommandLine().getCommandSpec();
      for (String arg : unmatched.getUnmatched()) {
        if (arg.startsWith("-") && arg.length() > 1 && !arg.equals("--")) {
          String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
          return "unknown option '" + name + "'" + suggestion(name, optionNames(spec));
        }
      }
      String first = unmatched.getUnmatched().get(0);
      if (!spec.subcommands().isEmpty()) {
        return "unknown command '" + first + "'" + suggestion(first, commandNames(spec));
      }
      return "unexpected argument '" + first + "'";
    }
    String message = error.getMessage().strip();
    return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
  }

  /**
   * Parses the {@code SOURCE} argument of {@code spec}'s command: a malformed address is a usage
   * error, like any other malformed value.
   */
  static S3Uri source(CommandSpec spec, String text) {
    try {
      return S3Uri.parse(text);
    } catch (RetrieverException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  /** Returns a usage error of {@code spec}'s command that says {@code message}. */
  static ParameterException of(CommandSpec spec, String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static List<String> optionNames(CommandSpec spec) {
    List<String> names = new ArrayList<>();
    for (OptionSpec option : spec.options()) {
      if (!option.hidden()) {
        names.addAll(List.of(option.names()));
        if (option.negatable()) {
          // picocli accepts --no-progress beside --progress.
          for (String name : option.names()) {
            if (name.startsWith("--") && !name.startsWith("--no-")) {
              names.add("--no-" + name.substring(2));
            }
          }
        }
      }
    }
    return names;
  }

  private static List<String> commandNames(CommandSpec spec) {
    List<String> names = new ArrayList<>();
    spec.subcommands()
        .forEach(
            (name, sub) -> {
              if (!sub.getCommandSpec().usageMessage().hidden()) {
                names.add(name);
              }
            });
    return names;
  }

  /**
   * Returns "; did you mean X?" for the known word closest to {@code typed}, or nothing when none
   * is close: at most one edit (an insertion, a deletion, a replacement or two neighbours swapped)
   * per three characters, at most two, or a known option that {@code typed} begins.
   */
  static String suggestion(String typed, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String word = typed.toLowerCase(Locale.ROOT);
    int letters = word.replaceFirst("^-+", "").length();
    int allowed = Math.min(2, Math.max(1, letters / 3));
    for (String candidate : known) {
      if (candidate.replaceFirst("^-+", "").length() < 2) {
        continue; // -c, -q: any one-letter typo is one edit away from them
      }
      int distance = distance(word, candidate.toLowerCase(Locale.ROOT));
      if (distance > allowed && letters >= 4 && candidate.startsWith(word)) {
        distance = allowed;
      }
      if (distance <= allowed && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best == null ? "" : "; did you mean " + best + "?";
  }

  /** Returns the edit distance of two words, a swap of neighbours counting as one edit. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
