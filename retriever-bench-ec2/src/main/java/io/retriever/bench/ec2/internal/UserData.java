package io.retriever.bench.ec2.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The script an instance runs at boot: it schedules its own power-off first (the instance
 * terminates on power-off, so it ends even if the runner dies), installs a JDK, fetches the
 * Retriever jar, and hands over to {@code OnInstance}, which waits for its turn, runs the bench and
 * uploads the results.
 */
public final class UserData {
  /** The class every instance runs; the line that calls it holds its arguments. */
  public static final String ENTRY_POINT = "io.retriever.bench.ec2.OnInstance";

  private UserData() {}

  /**
   * Returns the script.
   *
   * @param jar an {@code s3://} URI of the staged jar or an {@code https://} URL
   * @param endpoint the endpoint of the instance's AWS clients, or null for AWS's own
   * @param onInstance the arguments of {@link #ENTRY_POINT}
   */
  public static String script(
      String region, URI endpoint, String jar, Duration timeLimit, List<String> onInstance) {
    long minutes = Math.max(1, timeLimit.toMinutes());
    List<String> fetch = new ArrayList<>();
    if (jar.startsWith("s3://")) {
      fetch.addAll(List.of("aws", "s3", "cp", "--only-show-errors", "--region", region));
      if (endpoint != null) {
        fetch.addAll(List.of("--endpoint-url", endpoint.toString()));
      }
      fetch.addAll(List.of(jar, "retriever.jar"));
    } else {
      fetch.addAll(List.of("curl", "-fsSL", "--retry", "5", "-o", "retriever.jar", jar));
    }
    List<String> run = new ArrayList<>(List.of("java", "-cp", "retriever.jar", ENTRY_POINT));
    run.addAll(onInstance);
    return String.join(
        "\n",
        "#!/bin/bash",
        "set -u",
        "shutdown -h +" + minutes,
        "exec >>/var/log/retriever-bench.log 2>&1",
        "dnf install -y -q java-17-amazon-corretto-headless",
        "mkdir -p /opt/retriever && cd /opt/retriever",
        ShellWords.join(fetch),
        ShellWords.join(run),
        "shutdown -h now",
        "");
  }

  /** Returns the script in base64, as RunInstances takes it. */
  public static String encode(String script) {
    return Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
  }

  /** Returns the arguments the script passes to {@link #ENTRY_POINT}. */
  public static List<String> onInstanceArguments(String script) {
    for (String line : script.split("\n")) {
      List<String> words = ShellWords.split(line);
      int at = words.indexOf(ENTRY_POINT);
      if (at >= 0) {
        return words.subList(at + 1, words.size());
      }
    }
    throw new IllegalArgumentException("the script never runs " + ENTRY_POINT);
  }
}
