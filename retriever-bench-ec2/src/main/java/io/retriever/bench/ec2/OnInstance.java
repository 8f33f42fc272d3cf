package io.retriever.bench.ec2;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.Layout;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What runs on each instance, started by its user data: waits until the runner signals this
 * instance type's turn, runs {@code retriever bench} into a directory, uploads every file of it to
 * the type's results prefix, and writes {@code done.json} last.
 *
 * <p>Thread safety: one run at a time.
 */
public final class OnInstance {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs the benchmark into a directory and returns its exit code. */
  @FunctionalInterface
  public interface Bench {
    int run(List<String> arguments, Path out) throws Exception;
  }

  @Command(name = "OnInstance")
  static final class Arguments {
    @Option(names = "--run", required = true)
    String runId;

    @Option(names = "--instance-type", required = true)
    String instanceType;

    @Option(names = "--results", required = true, description = "s3://bucket/prefix/RUN/")
    String results;

    @Option(names = "--region", required = true)
    String region;

    @Option(names = "--endpoint-url")
    URI endpoint;

    @Option(names = "--wait-seconds", description = "Longest wait for this type's turn.")
    long waitSeconds = 3600;

    @Option(names = "--poll-millis")
    long pollMillis = 5000;

    @Option(names = "--work-directory", description = "Where the bench downloads and writes.")
    Path workDirectory;

    @Parameters(description = "The arguments of retriever bench.")
    List<String> bench = new ArrayList<>();
  }

  private final AwsCredentialsProvider credentials;
  private final Bench bench;
  private final Path workDirectory;
  private final PrintStream log;

  private OnInstance(Builder builder) {
    this.credentials = builder.credentials;
    this.bench = builder.bench == null ? OnInstance::benchProcess : builder.bench;
    this.workDirectory = builder.workDirectory;
    this.log = builder.log;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static void main(String[] args) {
    System.exit(builder().build().run(args));
  }

  /** Runs with these arguments (those of the user data) and returns the exit code. */
  public int run(String... args) {
    Arguments a = new Arguments();
    try {
      new CommandLine(a).parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      log.println("OnInstance: " + e.getMessage());
      return 2;
    }
    Layout layout = Layout.parse(a.results);
    try (Clients clients = new Clients(a.region, a.endpoint, credentials, List.of())) {
      S3Client s3 = clients.s3();
      Map<String, Object> done = new LinkedHashMap<>();
      done.put("run", a.runId);
      done.put("instance_type", a.instanceType);
      int code;
      try {
        awaitTurn(s3, layout, a);
        Path where =
            workDirectory != null
                ? workDirectory
                : a.workDirectory != null
                    ? a.workDirectory
                    : Path.of(System.getProperty("java.io.tmpdir"));
        Path out = Files.createTempDirectory(where, "bench-");
        code = bench.run(a.bench, out);
        done.put("files", upload(s3, layout.bucket(), layout.typePrefix(a.instanceType), out));
        done.put("exit_code", code);
      } catch (Exception e) {
        code = 1;
        done.put("exit_code", code);
        done.put("error", e.toString());
      }
      s3.putObject(
          b -> b.bucket(layout.bucket()).key(layout.doneKey(a.instanceType)),
          RequestBody.fromString(jsonOf(done)));
      return code;
    }
  }

  private void awaitTurn(S3Client s3, Layout layout, Arguments a)
      throws InterruptedException, IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(a.waitSeconds).toNanos();
    String go = layout.goKey(a.instanceType);
    while (true) {
      // A listing of exactly the signal's key: the role may list that prefix and nothing else.
      if (s3.listObjectsV2(b -> b.bucket(layout.bucket()).prefix(go).maxKeys(1)).contents().stream()
          .anyMatch(o -> o.key().equals(go))) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "no signal to start at s3://"
                + layout.bucket()
                + "/"
                + layout.goKey(a.instanceType)
                + " within "
                + a.waitSeconds
                + " s");
      }
      Thread.sleep(a.pollMillis);
    }
  }

  private static int upload(S3Client s3, String bucket, String prefix, Path out)
      throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(out)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : files) {
      String key = prefix + out.relativize(file).toString().replace(File.separatorChar, '/');
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
    }
    return files.size();
  }

  private static String jsonOf(Map<String, Object> value) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code retriever bench} from the jar holding this class, its output in bench.log. */
  private static int benchProcess(List<String> arguments, Path out) throws Exception {
    Path jar;
    try {
      jar = Path.of(OnInstance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the jar of " + OnInstance.class.getName(), e);
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString()));
    command.addAll(arguments);
    command.addAll(List.of("--out", out.toString()));
    Path output = out.resolve("bench.log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    return process.waitFor();
  }

  /** Configures an {@link OnInstance}. */
  public static final class Builder {
    private AwsCredentialsProvider credentials;
    private Bench bench;
    private Path workDirectory;
    private PrintStream log = System.err;

    private Builder() {}

    /** Sets the credentials (default: the default chain, on EC2 the instance profile's). */
    public Builder credentials(AwsCredentialsProvider credentials) {
      this.credentials = credentials;
      return this;
    }

    /** Sets how the benchmark runs (default: {@code java -jar <this jar> ARGS --out DIR}). */
    public Builder bench(Bench bench) {
      if (bench == null) {
        throw new IllegalArgumentException("bench == null");
      }
      this.bench = bench;
      return this;
    }

    /**
     * Sets where the results directory is made (default: {@code --work-directory}, else the
     * temporary directory).
     */
    public Builder workDirectory(Path workDirectory) {
      this.workDirectory = workDirectory;
      return this;
    }

    /** Sets where problems with the arguments are printed (default: standard error). */
    public Builder log(PrintStream log) {
      this.log = log;
      return this;
    }

    public OnInstance build() {
      return new OnInstance(this);
    }
  }
}
