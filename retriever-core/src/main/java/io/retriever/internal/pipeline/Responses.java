package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;
import io.retriever.internal.s3.RangeAnswers;
import java.io.IOException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Checks that a GET's response is what was asked for ({@link RangeAnswers}): the status, the
 * length, the range and the version. Anything else is a fault of that response, fetched again like
 * a cut connection, never data.
 */
final class Responses {
  private Responses() {}

  /** A response that is not what was asked for: a fault of that response, to be retried. */
  static final class UnexpectedResponse extends IOException {
    private static final long serialVersionUID = 1L;

    UnexpectedResponse(String message) {
      super(message + "; not using it");
    }
  }

  /**
   * Checks the status, the length, for a ranged GET the whole {@code Content-Range}, and that the
   * response is of the version that was listed.
   */
  static void check(
      ChunkTask task, GetObjectResponse response, boolean whole, long first, long last)
      throws UnexpectedResponse {
    String problem =
        RangeAnswers.problem(
            task.object().uri(),
            task.object().size(),
            task.object().eTag(),
            response,
            whole,
            first,
            last);
    if (problem != null) {
      throw new UnexpectedResponse(problem);
    }
  }
}
