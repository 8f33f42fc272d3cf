package io.retriever.internal.pipeline;

import io.retriever.RetrieverException;

/**
 * A sink's refusal of one object (its key cannot be a file at the destination, or its file exists):
 * the chunker fails that object alone and the download goes on.
 */
public final class RefusedKey extends RetrieverException {
  private static final long serialVersionUID = 1L;

  public RefusedKey(String message) {
    super(Reason.INVALID, message);
  }
}
