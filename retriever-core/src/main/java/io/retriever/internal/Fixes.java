package io.retriever.internal;

/**
 * The settings a library error message tells its caller to change, named as the library's API names
 * them. A command line built on the library replaces each with its own flag, so that every layer
 * speaks its own language.
 */
public final class Fixes {
  private Fixes() {}

  /** The endpoint setting. */
  public static final String ENDPOINT = "Retriever.Builder.endpoint";

  /** The region setting. */
  public static final String REGION = "Retriever.Builder.region";

  /** The credentials setting. */
  public static final String CREDENTIALS = "Retriever.Builder.credentials";

  /** Unsigned requests, for public buckets. */
  public static final String ANONYMOUS = "Retriever.Builder.anonymous()";

  /** Verification turned off. */
  public static final String NO_VERIFY = "Retriever.Builder.verify(false)";

  /** Replacing existing files. */
  public static final String OVERWRITE = "FileOptions.withOverwrite(true)";

  /** Starting over instead of resuming. */
  public static final String NO_RESUME = "FileOptions.withResume(false)";
}
