package io.retriever.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The peer takes the retriever command's transfer options, and refuses bad ones the same way. */
class PeerMainTest {
  @TempDir Path dest;

  @Test
  void call_invalidTransferOption_isAUsageErrorNamingTheFlag() {
    StringWriter err = new StringWriter();
    CommandLine peer = new CommandLine(new PeerMain()).setErr(new PrintWriter(err));

    int exit =
        peer.execute(
            "--impl",
            "retriever",
            "--bucket",
            "b",
            "--dest",
            dest.toString(),
            "--endpoint",
            "http://127.0.0.1:9",
            "--no-verify",
            "--stall-timeout",
            "5",
            "--chunk-size",
            "8MiB",
            "-c",
            "0");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("--concurrency: concurrency must be between 1 and 1024, got 0");
  }
}
