package io.retriever.cli;

import java.net.URI;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the AWS clients of {@code bench ec2} talk: one region and one endpoint for all of them. */
final class Ec2Options {
  @Option(
      names = "--region",
      description = "Region of the instances, the source's region (required).")
  String region;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--endpoint-url",
      paramLabel = "URL",
      description =
          "Send every request (EC2, SSM, IAM, S3) to this endpoint (default: AWS_ENDPOINT_URL,"
              + " else AWS).")
  URI endpoint;

  @Option(names = "--debug", description = "Print stack traces of failures.")
  boolean debug;

  /** Returns the region; a usage error without one. */
  String region() {
    if (region == null || region.isBlank()) {
      throw new ParameterException(
          command.commandLine(), "Missing required option: '--region=<region>'");
    }
    return region;
  }

  /** Returns the endpoint given, else {@code AWS_ENDPOINT_URL}, else null for AWS's own. */
  URI endpoint() {
    if (endpoint != null) {
      return endpoint;
    }
    String env = System.getenv("AWS_ENDPOINT_URL");
    return env == null || env.isBlank() ? null : URI.create(env);
  }
}
