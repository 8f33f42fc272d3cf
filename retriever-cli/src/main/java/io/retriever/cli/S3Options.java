package io.retriever.cli;

import io.retriever.Retriever;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * Returns {@code retriever COMMAND ARGS} with the options given here that choose the store and
   * the credentials, quoted for a POSIX shell: advice that works when pasted.
   */
  String command(String command, String... args) {
    List<String> words = new ArrayList<>(List.of("retriever", command));
    words.addAll(List.of(args));
    if (endpoint != null) {
      words.addAll(List.of("--endpoint-url", endpoint.toString()));
    }
    if (region != null) {
      words.addAll(List.of("--region", region));
    }
    if (profile != null) {
      words.addAll(List.of("--profile", profile));
    }
    if (anonymous) {
      words.add("--no-sign-request");
    }
    if (pathStyle) {
      words.add("--path-style");
    }
    StringBuilder line = new StringBuilder();
    for (String word : words) {
      line.append(line.length() == 0 ? "" : " ").append(quote(word));
    }
    return line.toString();
  }

  /** Returns {@code word} as a POSIX shell reads it back: as it is, or in single quotes. */
  static String quote(String word) {
    if (!word.isEmpty() && word.matches("[A-Za-z0-9_./:=@%+,-]+")) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

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
