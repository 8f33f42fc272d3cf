package io.retriever.cli;

import io.retriever.Retriever;
import io.retriever.bench.run.Implementations;
import io.retriever.testkit.LocalS3;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Runs the {@code retriever} command in a child JVM, as a user would, against a LocalS3. */
final class Cli {
  /** What a run printed and how it ended. */
  record Result(int exitCode, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  private Cli() {}

  /** Runs {@code retriever ARGS} with credentials for {@code s3} in the environment. */
  static Result run(LocalS3 s3, String... args) throws IOException, InterruptedException {
    return run(s3.accessKey(), s3.secretKey(), args);
  }

  static Result run(String accessKey, String secretKey, String... args)
      throws IOException, InterruptedException {
    return run(Map.of("AWS_ACCESS_KEY_ID", accessKey, "AWS_SECRET_ACCESS_KEY", secretKey), args);
  }

  /** Runs {@code retriever ARGS} with exactly these AWS variables in the environment. */
  static Result run(Map<String, String> awsEnvironment, String... args)
      throws IOException, InterruptedException {
    return finish(start(awsEnvironment, args), args);
  }

  private static Result finish(Process process, String... args)
      throws InterruptedException, IOException {
    process.getOutputStream().close();
    CompletableFuture<byte[]> out = drain(process.getInputStream());
    CompletableFuture<byte[]> err = drain(process.getErrorStream());
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("retriever " + String.join(" ", args) + " did not end in 120 s");
    }
    return new Result(
        process.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
  }

  /** Starts {@code retriever ARGS} in a child process with credentials for {@code s3}. */
  static Process start(LocalS3 s3, String... args) throws IOException {
    return start(
        Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", s3.secretKey()), args);
  }

  /**
   * Starts {@code retriever ARGS} with credentials for {@code s3} and SIGINT handled as on a
   * terminal: a process started in the background inherits SIGINT ignored, which a JVM then keeps.
   */
  static Process startInterruptible(LocalS3 s3, String... args) throws IOException {
    return start(
        List.of("env", "--default-signal=INT"),
        Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", s3.secretKey()),
        args);
  }

  /** Starts {@code retriever ARGS} with these AWS variables, SIGINT handled as on a terminal. */
  static Process startInterruptible(Map<String, String> awsEnvironment, String... args)
      throws IOException {
    return start(List.of("env", "--default-signal=INT"), awsEnvironment, args);
  }

  /** Waits for a process {@link #start}ed here to end, and returns what it printed. */
  static Result finish(Process process) throws IOException, InterruptedException {
    return finish(process, "(started)");
  }

  /**
   * Starts {@code retriever ARGS} with credentials for {@code s3}, its files limited to {@code
   * maxFileKiB} KiB (writes beyond fail as on a full disk).
   */
  static Process startWithFileLimit(LocalS3 s3, long maxFileKiB, String... args)
      throws IOException {
    return start(
        List.of("bash", "-c", "trap '' XFSZ; ulimit -f " + maxFileKiB + "; exec \"$0\" \"$@\""),
        Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", s3.secretKey()),
        args);
  }

  private static Process start(Map<String, String> awsEnvironment, String... args)
      throws IOException {
    return start(List.of(), awsEnvironment, args);
  }

  /**
   * Starts {@code retriever ARGS} with credentials for {@code s3} in a JVM started as the {@code
   * retriever} launcher starts it: its JVM options, and its heap sized from the byte budget.
   */
  static Process startAsLauncher(LocalS3 s3, long budget, String... args) throws IOException {
    List<String> jvm = new ArrayList<>(Implementations.retrieverJvmOptions());
    jvm.add(Implementations.heapOption(budget));
    return start(
        List.of(),
        jvm,
        true,
        Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", s3.secretKey()),
        args);
  }

  /** Runs {@code retriever ARGS} as {@link #startAsLauncher} starts it, and waits for its end. */
  static Result runAsLauncher(LocalS3 s3, String... args) throws IOException, InterruptedException {
    return finish(startAsLauncher(s3, Retriever.DEFAULT_MAX_IN_FLIGHT_BYTES, args), args);
  }

  private static Process start(
      List<String> prefix, Map<String, String> awsEnvironment, String... args) throws IOException {
    return start(prefix, List.of("-Xmx1g", "-XX:TieredStopAtLevel=1"), false, awsEnvironment, args);
  }

  private static Process start(
      List<String> prefix,
      List<String> jvm,
      boolean asLauncher,
      Map<String, String> awsEnvironment,
      String... args)
      throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.javaBinary());
    command.addAll(jvm);
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    if (asLauncher) {
      // As the launcher runs it: without the tests' classes and their logging configuration.
      classPath =
          Arrays.stream(classPath.split(File.pathSeparator))
              .filter(entry -> !entry.endsWith("test-classes"))
              .collect(Collectors.joining(File.pathSeparator));
    }
    command.addAll(List.of("-cp", classPath, Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("AWS_"));
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_CONFIG_FILE", "/nonexistent/retriever-test-config");
    env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/retriever-test-credentials");
    env.putAll(awsEnvironment);
    return builder.start();
  }

  /** Returns the common arguments that point the command at {@code s3}. */
  static String[] at(LocalS3 s3, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--endpoint-url", s3.endpoint().toString(), "--region", s3.region(), "--path-style"));
    return all.toArray(String[]::new);
  }

  private static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toByteArray();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** Where the running JVM's {@code java} is. */
  private static final class Path {
    static String javaBinary() {
      return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
  }
}
