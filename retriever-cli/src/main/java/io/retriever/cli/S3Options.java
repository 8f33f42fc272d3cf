package io.retriever.cli;

import io.retriever.Retriever;
import java.net.URI;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;

/** Options shared by every command that talks to S3. */
final class S3Options {
  @Option(
      names = "--endpoint-url",
      paramLabel = "URL",
      description =
          "Send requests to this S3-compatible endpoint (default: AWS_ENDPOINT_URL,"
              + " else AWS).")
  URI endpoint;

  @Option(
      names = "--region",
      description =
          "Region of the bucket (default: the AWS region"
              + " chain, else us-east-1; other regions are followed automatically on AWS).")
  String region;

  @Option(
      names = "--profile",
      description =
          "Use credentials (and region) from this profile"
              + " of ~/.aws/config and ~/.aws/credentials.")
  String profile;

  @Option(names = "--no-sign-request", description = "Send unsigned requests (public buckets).")
  boolean anonymous;

  @Option(
      names = "--path-style",
      description = "Put the bucket in the URL path (most S3-compatible stores).")
  boolean pathStyle;

  @Option(
      names = "--debug",
      description = "Print stack traces of failures, and the libraries' own errors.")
  boolean debug;

  /** Returns a retriever builder with these options applied. */
  Retriever.Builder builder() {
    if (debug) {
      LogSetup.debug();
    }
    Retriever.Builder builder = Retriever.builder().pathStyle(pathStyle);
    if (endpoint != null) {
      builder.endpoint(endpoint);
    }
    if (anonymous) {
      builder.anonymous();
    } else if (profile != null) {
      builder.credentials(ProfileCredentialsProvider.create(profile));
    }
    if (region != null) {
      builder.region(region);
    } else if (profile != null) {
      try {
        builder.region(new AwsProfileRegionProvider(null, profile).getRegion().id());
      } catch (RuntimeException e) {
        // No region in the profile: the default chain decides.
      }
    }
    return builder;
  }
}
