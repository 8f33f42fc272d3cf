package io.retriever;

/** A hook (listener, interceptor, post-download hook, lister or sink of the user's) threw. */
public final class HookException extends RetrieverException {
  private static final long serialVersionUID = 1L;

  private final String hook;
  private final String hookPoint;

  /**
   * Creates the error for {@code hook} throwing {@code cause} at {@code hookPoint} for {@code
   * subject} (or {@code null}).
   */
  public HookException(String hook, String hookPoint, String subject, Throwable cause) {
    super(
        Reason.HOOK,
        "hook "
            + hook
            + " failed in "
            + hookPoint
            + (subject == null ? "" : " for " + subject)
            + ": "
            + cause,
        cause);
    this.hook = hook;
    this.hookPoint = hookPoint;
  }

  /** Returns the class name of the hook that threw, e.g. {@code com.acme.VerifyingInterceptor}. */
  public String hook() {
    return hook;
  }

  /** Returns the hook point it threw in, e.g. {@code chunkCompleted} or {@code interceptChunk}. */
  public String hookPoint() {
    return hookPoint;
  }
}
