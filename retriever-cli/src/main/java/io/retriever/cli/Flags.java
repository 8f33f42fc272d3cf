package io.retriever.cli;

import io.retriever.internal.Fixes;
import java.util.Map;

/** Says the library's advice in the command line's words: its settings become flags. */
final class Flags {
  private Flags() {}

  private static final Map<String, String> FLAGS =
      Map.of(
          Fixes.ENDPOINT, "--endpoint-url",
          Fixes.REGION, "--region",
          Fixes.CREDENTIALS, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or --profile",
          Fixes.ANONYMOUS, "--no-sign-request",
          Fixes.NO_VERIFY, "--no-verify",
          Fixes.OVERWRITE, "--overwrite",
          Fixes.NO_RESUME, "--no-resume");

  /** Returns {@code message} with every library setting it names replaced by its flag. */
  static String translate(String message) {
    if (message == null) {
      return null;
    }
    String out = message;
    for (Map.Entry<String, String> flag : FLAGS.entrySet()) {
      out = out.replace(flag.getKey(), flag.getValue());
    }
    return out;
  }
}
