package io.retriever;

import io.retriever.event.ObjectFailed;
import java.util.List;

/**
 * A download ended with some objects failed; every other object was delivered. Thrown by {@code
 * await()}; the reason is that of the first failure.
 */
public final class IncompleteDownloadException extends RetrieverException {
  private static final long serialVersionUID = 1L;

  private final transient DownloadSummary summary;
  private final transient List<ObjectFailed> failures;

  /** Creates the error for a download that delivered {@code summary} and lost {@code failures}. */
  public IncompleteDownloadException(DownloadSummary summary, List<ObjectFailed> failures) {
    super(
        failures.get(0).error().reason(),
        failures.size()
            + " of "
            + (summary.objects() + failures.size())
            + " objects failed; the first: "
            + failures.get(0).error().getMessage(),
        failures.get(0).error());
    this.summary = summary;
    this.failures = List.copyOf(failures);
  }

  /** Returns what the download did deliver. */
  public DownloadSummary summary() {
    return summary;
  }

  /** Returns the failed objects, in the order they failed. */
  public List<ObjectFailed> failures() {
    return failures;
  }
}
