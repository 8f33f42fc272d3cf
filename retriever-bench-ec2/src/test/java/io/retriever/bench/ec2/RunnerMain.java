package io.retriever.bench.ec2;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A runner in a process of its own, for a test to kill outright: {@code ENDPOINT REGION RUN_ID JAR
 * TYPE...}. It launches and then waits for results that never come.
 */
public final class RunnerMain {
  private RunnerMain() {}

  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    if (!endpoint.getHost().equals("127.0.0.1")) {
      throw new IllegalArgumentException("only 127.0.0.1, not " + endpoint);
    }
    try (Ec2Bench bench =
        Ec2Bench.builder()
            .endpoint(endpoint)
            .region(args[1])
            .credentials(Moto.CREDENTIALS)
            .runId(args[2])
            .jar(Path.of(args[3]))
            .instanceTypes(List.of(args).subList(4, args.length))
            .source("s3://source/data/")
            .results("s3://results/runs")
            .pollInterval(Duration.ofMillis(100))
            .confirmed(true)
            .build()) {
      bench.run(bench.plan());
    }
  }
}
