package io.retriever.bench.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.bench.ec2.internal.ShellWords;
import io.retriever.bench.ec2.internal.UserData;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
          "odd=sh -c 'echo \"$HOME\"; echo it'\\''s || exit'",
          "--sweep",
          "chunk-size=8MiB,16MiB");

  @TempDir Path dir;

  private static UserData.Inputs inputs(
      URI endpoint, String jar, Storage storage, String architecture, List<String> peers) {
    return new UserData.Inputs(
        "eu-west-1",
        endpoint,
        jar,
        Duration.ofMinutes(45),
        "s3://results/runs/r1/m5n.2xlarge/",
        storage,
        architecture,
        peers,
        ARGS);
  }

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
            inputs(
                null,
                "s3://results/runs/r1/retriever.jar",
                Storage.ebs(1L << 30, 25, 0),
                "x86_64",
                List.of()));
    List<String> lines = staged.lines().toList();
    assertThat(lines.get(0)).isEqualTo("#!/bin/bash");
    assertThat(lines).contains("shutdown -h +45", "trap report EXIT", "  shutdown -h now");
    assertThat(lines.indexOf("shutdown -h +45")).isLessThan(lines.indexOf("trap report EXIT"));
    assertThat(staged)
        .contains("dnf install -y -q java-17-amazon-corretto-headless")
        .contains(
            "aws --region eu-west-1 s3 cp --only-show-errors s3://results/runs/r1/retriever.jar"
                + " retriever.jar")
        .doesNotContain("--endpoint-url")
        .doesNotContain("rclone");
    assertThat(UserData.onInstanceArguments(staged)).isEqualTo(ARGS);

    String fetched =
        UserData.script(
            inputs(
                URI.create("http://127.0.0.1:5000"),
                "https://example.com/retriever.jar",
                Storage.memory(1L << 30),
                "x86_64",
                List.of()));
    assertThat(fetched)
        .contains("curl -fsSL --retry 5 -o retriever.jar https://example.com/retriever.jar")
        .contains("--endpoint-url http://127.0.0.1:5000")
        .doesNotContain("s3 cp --only-show-errors https://");
  }

  @Test
  void script_mountsWhereTheDownloadsLand() {
    String ebs =
        UserData.script(
            inputs(null, "s3://b/j", Storage.ebs(100L << 30, 25, 593.75), "x86_64", List.of()));
    assertThat(ebs)
        .contains("[ -e /dev/sdf ]")
        .contains("mkfs.xfs -f -q /dev/sdf && mount -o noatime /dev/sdf /mnt/retriever");
    String local =
        UserData.script(
            inputs(
                null,
                "s3://b/j",
                new Storage(Storage.Kind.INSTANCE_STORE, 474, 1, 0, 0),
                "x86_64",
                List.of()));
    assertThat(local).contains("Instance Storage").contains("mdadm --create /dev/md0");
    String memory =
        UserData.script(inputs(null, "s3://b/j", Storage.memory(10L << 30), "x86_64", List.of()));
    assertThat(memory).contains("mount -t tmpfs -o size=12g tmpfs /mnt/retriever");
  }

  @Test
  void script_installsThePeersAskedFor_forTheArchitecture() {
    assertThat(UserData.peerToolsOf(List.of("rc=rclone copy :s3:{bucket} {dest}", "b=boto3 x")))
        .containsExactly("rclone", "boto3");
    String arm =
        UserData.script(
            inputs(
                null,
                "s3://b/j",
                Storage.memory(1L << 30),
                "arm64",
                List.of("rclone", "s5cmd", "boto3")));
    assertThat(arm)
        .contains("STEP='install rclone'")
        .contains("rclone-v1.68.2-linux-arm64.zip")
        .contains("s5cmd_2.3.0_Linux-arm64.tar.gz")
        .contains("dnf install -y -q python3-boto3");
  }

  /**
   * Runs the script's own trap in bash, with {@code aws} and {@code shutdown} replaced by
   * recorders: a step that fails leaves a status line naming it, and the log goes up too.
   */
  @Test
  void script_whenAStepFails_reportsTheStepAndUploadsItsLog() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path calls = dir.resolve("calls");
    Files.writeString(
        bin.resolve("aws"),
        "#!/bin/bash\necho \"aws $*\" >> "
            + calls
            + "\nif [ \"${@: -2:1}\" = - ]; then cat >> "
            + calls
            + "; fi\n");
    Files.writeString(
        bin.resolve("shutdown"), "#!/bin/bash\necho \"shutdown $*\" >> " + calls + "\n");
    bin.resolve("aws").toFile().setExecutable(true);
    bin.resolve("shutdown").toFile().setExecutable(true);
    Path log = dir.resolve("log");
    String script =
        UserData.script(inputs(null, "s3://b/j", Storage.memory(1L << 30), "x86_64", List.of()))
            .replace(UserData.LOG, log.toString())
            // Not the machine's console.
            .replace(">/dev/console", ">" + dir.resolve("console"))
            .replace(
                "dnf install -y -q java-17-amazon-corretto-headless", "echo installing; false");
    Path file = Files.writeString(dir.resolve("user-data"), script);
    ProcessBuilder builder =
        new ProcessBuilder("bash", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("out").toFile());
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process bash = builder.start();
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String recorded = read(calls);
    assertThat(recorded)
        .contains("shutdown -h +45")
        .contains("failed at install Java (exit 1)")
        .contains("s3 cp --only-show-errors - s3://results/runs/r1/m5n.2xlarge/status")
        .contains(log + " s3://results/runs/r1/m5n.2xlarge/instance.log")
        .contains("shutdown -h now");
    // tee writes the log and the console from a process of its own: give it a moment.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!read(dir.resolve("console")).contains("retriever-bench: failed")
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(read(log)).contains("installing", "retriever-bench: failed at install Java");
    assertThat(read(dir.resolve("console"))).contains("installing");
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
