package io.retriever;

/**
 * Names a setting that an error message tells its reader to change. Messages name each by the API
 * call that changes it ({@link #apiName()}, e.g. {@code Retriever.Builder.endpoint}); a program
 * built on the library that speaks to its users in its own words (a command line's flags, a form's
 * fields) replaces each name with its own.
 */
public enum Setting {
  /** The endpoint. */
  ENDPOINT("Retriever.Builder.endpoint"),
  /** The region. */
  REGION("Retriever.Builder.region"),
  /** The credentials. */
  CREDENTIALS("Retriever.Builder.credentials"),
  /** Unsigned requests, for public buckets. */
  ANONYMOUS("Retriever.Builder.anonymous()"),
  /** Verification turned off. */
  NO_VERIFY("Retriever.Builder.verify(false)"),
  /** Replacing existing files. */
  OVERWRITE("FileOptions.withOverwrite(true)"),
  /** Starting over instead of resuming. */
  NO_RESUME("FileOptions.withResume(false)"),
  MAX_OUTAGE("Retriever.Builder.maxOutage");

  private final String apiName;

  Setting(String apiName) {
    this.apiName = apiName;
  }

  /** Returns the setting as messages name it: the API call that changes it. */
  public String apiName() {
    return apiName;
  }
}
