package io.retriever.bench.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.bench.ec2.internal.ShellWords;
import io.retriever.bench.ec2.internal.UserData;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The script each instance runs, and the words it hands to {@link OnInstance}. */
class UserDataTest {
  private static final List<String> ARGS =
      List.of(
          "--run",
          "r1",
          "--",
          "bench",
          "--peer",
          "boto3=/usr/bin/python3 peers/boto3-download.py {endpoint} {region} {bucket} {prefix} {dest}",
          "--peer",
          "odd=sh -c 'echo \"$HOME\"; echo it'\\''s'",
          "--sweep",
          "chunk-size=8MiB,16MiB");

  @Test
  void shellWords_quoteAndSplit_roundTrip() {
    assertThat(ShellWords.split(ShellWords.join(ARGS))).isEqualTo(ARGS);
    assertThat(ShellWords.quote("s3://b/p/r1/")).isEqualTo("s3://b/p/r1/");
    assertThat(ShellWords.quote("a b")).isEqualTo("'a b'");
    assertThat(ShellWords.quote("$HOME")).isEqualTo("'$HOME'");
  }

  @Test
  void script_powersOffFirst_fetchesTheJar_andHandsTheArgumentsOver() {
    String staged =
        UserData.script(
            "eu-west-1", null, "s3://results/runs/r1/retriever.jar", Duration.ofMinutes(45), ARGS);
    List<String> lines = staged.lines().toList();
    assertThat(lines.get(0)).isEqualTo("#!/bin/bash");
    assertThat(lines).contains("shutdown -h +45", "shutdown -h now");
    assertThat(lines.indexOf("shutdown -h +45")).isLessThan(lines.indexOf("shutdown -h now"));
    assertThat(staged)
        .contains("dnf install -y -q java-17-amazon-corretto-headless")
        .contains(
            "aws s3 cp --only-show-errors --region eu-west-1 s3://results/runs/r1/retriever.jar"
                + " retriever.jar")
        .doesNotContain("--endpoint-url");
    assertThat(UserData.onInstanceArguments(staged)).isEqualTo(ARGS);

    String fetched =
        UserData.script(
            "eu-west-1",
            URI.create("http://127.0.0.1:5000"),
            "https://example.com/retriever.jar",
            Duration.ofMinutes(45),
            ARGS);
    assertThat(fetched)
        .contains("curl -fsSL --retry 5 -o retriever.jar https://example.com/retriever.jar")
        .doesNotContain("aws s3 cp");
  }
}
