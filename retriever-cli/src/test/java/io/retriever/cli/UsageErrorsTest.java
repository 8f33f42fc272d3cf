package io.retriever.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A usage error is one line and exit 2: a mistyped option or command gets the word meant, only
 * arguments that look like options are called unknown options, and a malformed source is a usage
 * error like any malformed value. Parsed in this JVM: nothing here reaches a store.
 */
class UsageErrorsTest {
  private record Outcome(int exitCode, String stderr) {}

  private static Outcome run(String... args) {
    CommandLine cli = RetrieverCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    return new Outcome(cli.execute(args), err.toString().strip());
  }

  @Test
  void mistypedOption_afterTheDestination_suggestsTheOption() {
    Outcome o = run("get", "s3://b/p/", "./x", "--chunksize", "8MiB");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.stderr())
        .isEqualTo(
            "retriever: unknown option '--chunksize'; did you mean --chunk-size?"
                + " 'retriever get --help' lists the options");
  }

  @Test
  void mistypedOption_beforeTheSource_neverCallsTheDestinationAnOption() {
    Outcome o = run("get", "--chunksize", "8MiB", "s3://b/p/", "./x");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.stderr())
        .isEqualTo(
            "retriever: unknown option '--chunksize'; did you mean --chunk-size?"
                + " 'retriever get --help' lists the options")
        .doesNotContain("./x");
  }

  @Test
  void mistypedOptionWithItsValue_andSwappedLetters_suggestTheOption() {
    assertThat(run("get", "s3://b/p/", "x", "--max-memroy=1GiB").stderr())
        .startsWith("retriever: unknown option '--max-memroy'; did you mean --max-memory?");
    assertThat(run("get", "s3://b/p/", "x", "--endpoint", "http://127.0.0.1:9").stderr())
        .startsWith("retriever: unknown option '--endpoint'; did you mean --endpoint-url?");
    assertThat(run("ls", "s3://b/", "--sumarize").stderr())
        .startsWith("retriever: unknown option '--sumarize'; did you mean --summarize?");
  }

  @Test
  void mistypedCommand_suggestsTheCommand() {
    Outcome o = run("gte", "s3://b/p/", "./x");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.stderr())
        .isEqualTo(
            "retriever: unknown command 'gte'; did you mean get?"
                + " 'retriever --help' lists the commands");
    assertThat(run("lss", "s3://b/").stderr()).contains("did you mean ls?");
  }

  @Test
  void wordsFarFromAnyKnownOne_getNoSuggestion() {
    assertThat(run("frobnicate").stderr())
        .isEqualTo(
            "retriever: unknown command 'frobnicate'; 'retriever --help' lists the commands");
    assertThat(run("get", "s3://b/p/", "x", "-x").stderr())
        .isEqualTo("retriever: unknown option '-x'; 'retriever get --help' lists the options");
  }

  @Test
  void sourceWithoutScheme_isAUsageError_exit2() {
    for (List<String> args : List.of(List.of("get", "bucket/p/", "./x"), List.of("ls", "bucket"))) {
      Outcome o = run(args.toArray(String[]::new));
      assertThat(o.exitCode()).as(o.stderr()).isEqualTo(2);
      assertThat(o.stderr())
          .doesNotContain("\n")
          .startsWith("retriever: malformed S3 URI '")
          .contains("it must start with s3://")
          .endsWith("'retriever " + args.get(0) + " --help' lists the options");
    }
  }

  @Test
  void oneArgumentTooMany_isNamed() {
    Outcome o = run("get", "s3://b/p/", "x", "y");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.stderr())
        .isEqualTo("retriever: unexpected argument 'y'; 'retriever get --help' lists the options");
  }

  @Test
  void distance_countsASwapOfNeighboursAsOneEdit() {
    assertThat(UsageError.distance("gte", "get")).isEqualTo(1);
    assertThat(UsageError.distance("--chunksize", "--chunk-size")).isEqualTo(1);
    assertThat(UsageError.distance("abc", "abc")).isZero();
    assertThat(UsageError.distance("", "ls")).isEqualTo(2);
  }
}
