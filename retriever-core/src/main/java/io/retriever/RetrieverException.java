package io.retriever;

/**
 * Why a download failed. The message is one line that names the object (or bucket) and says what to
 * do; {@link #reason()} tells the kind of failure to code.
 */
public class RetrieverException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The kinds of failure. */
  public enum Reason {
    /** The bucket does not exist. */
    NO_SUCH_BUCKET,
    /** The key, or every key under a prefix, does not exist. */
    NOT_FOUND,
    /** The credentials are wrong or lack permission. */
    ACCESS_DENIED,
    /** The endpoint could not be reached or did not answer. */
    UNREACHABLE,
    /** The object changed while it was downloading. */
    CHANGED,
    /** A local file or directory could not be written. */
    LOCAL_IO,
    /** The request or settings are not valid. */
    INVALID,
    /** The download was cancelled. */
    CANCELLED,
    /** The server answered with something unexpected. */
    SERVER,
    /** A hook of the user's threw. */
    HOOK,
    /** Downloaded bytes did not match the object's checksum, on every attempt. */
    CORRUPT
  }

  private final Reason reason;

  /** Creates an error of this kind with this message. */
  public RetrieverException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Creates an error of this kind with this message and cause. */
  public RetrieverException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Returns the kind of failure. */
  public Reason reason() {
    return reason;
  }
}
