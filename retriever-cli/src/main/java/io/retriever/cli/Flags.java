package io.retriever.cli;

import io.retriever.Setting;
import java.util.EnumMap;
import java.util.Map;

/** Says the library's advice in the command line's words: its settings become flags. */
final class Flags {
  private Flags() {}

  private static final Map<Setting, String> FLAGS = flags();

  private static Map<Setting, String> flags() {
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    flags.put(Setting.ENDPOINT, "--endpoint-url");
    flags.put(Setting.REGION, "--region");
    flags.put(Setting.CREDENTIALS, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or --profile");
    flags.put(Setting.ANONYMOUS, "--no-sign-request");
    flags.put(Setting.NO_VERIFY, "--no-verify");
    flags.put(Setting.OVERWRITE, "--overwrite");
    flags.put(Setting.NO_RESUME, "--no-resume");
    flags.put(Setting.MAX_OUTAGE, "--max-outage");
    return flags;
  }

  /** Returns {@code message} with every library setting it names replaced by its flag. */
  static String translate(String message) {
    if (message == null) {
      return null;
    }
    String out = message;
    for (Setting setting : Setting.values()) {
      out = out.replace(setting.apiName(), FLAGS.get(setting));
    }
    return out;
  }
}
