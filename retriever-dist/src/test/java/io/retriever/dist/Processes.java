package io.retriever.dist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs commands as a user's fresh shell would: a clean environment, nothing on stdin. */
final class Processes {
  private Processes() {}

  /** What a command printed and how it ended. */
  record Result(int exitCode, String stdout, String stderr) {}

  /** The Java this test runs on, which the commands run on too. */
  static final String JAVA_HOME = System.getProperty("java.home");

  /**
   * Returns a builder for {@code command} in {@code dir} with only the environment of a fresh
   * login: {@code HOME}, a {@code PATH} of {@code pathFirst} (if any) and the system's directories,
   * {@code JAVA_HOME}, and whatever {@code more} adds; the SDK is kept from probing for instance
   * metadata.
   */
  static ProcessBuilder fresh(
      Path dir, Path home, Path pathFirst, Map<String, String> more, String... command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("HOME", home.toString());
    env.put("PATH", (pathFirst == null ? "" : pathFirst + ":") + "/usr/local/bin:/usr/bin:/bin");
    env.put("JAVA_HOME", JAVA_HOME);
    env.put("LANG", "C.UTF-8");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_CONFIG_FILE", home.resolve(".aws/config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve(".aws/credentials").toString());
    env.putAll(more);
    return builder;
  }

  static Result run(ProcessBuilder builder, int timeoutSeconds) throws Exception {
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<byte[]> out = drain(process.getInputStream());
    CompletableFuture<byte[]> err = drain(process.getErrorStream());
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(
          String.join(" ", builder.command()) + " did not end in " + timeoutSeconds + " s");
    }
    return new Result(
        process.exitValue(),
        new String(out.join(), StandardCharsets.UTF_8),
        new String(err.join(), StandardCharsets.UTF_8));
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
}
