package io.retriever.examples;

import io.retriever.hook.ChunkInterceptor;
import io.retriever.hook.ChunkRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * A chunk interceptor: adds the headers of server-side encryption with a customer key (SSE-C) to
 * every GET, and pays for requester-pays buckets. It only adjusts requests, so {@link #interceptor}
 * wraps it with {@link ChunkInterceptor#requestOnly} and chunks still stream to the sink. Called by
 * many downloader threads at once; it keeps no mutable state, so it is thread-safe.
 */
public final class CustomerKeyHeaders implements UnaryOperator<ChunkRequest> {
  private final String key;
  private final String keyMd5;
  private final boolean requesterPays;

  /**
   * @param key the 256-bit customer key
   * @param requesterPays whether to add {@code x-amz-request-payer: requester}
   */
  public CustomerKeyHeaders(byte[] key, boolean requesterPays) {
    this.key = Base64.getEncoder().encodeToString(key);
    try {
      this.keyMd5 =
          Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(key));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    this.requesterPays = requesterPays;
  }

  /** Returns the interceptor to register with {@code Retriever.Builder.addChunkInterceptor}. */
  public ChunkInterceptor interceptor() {
    return ChunkInterceptor.requestOnly(this);
  }

  @Override
  public ChunkRequest apply(ChunkRequest original) {
    ChunkRequest request =
        original
            .withHeader("x-amz-server-side-encryption-customer-algorithm", "AES256")
            .withHeader("x-amz-server-side-encryption-customer-key", key)
            .withHeader("x-amz-server-side-encryption-customer-key-MD5", keyMd5);
    if (requesterPays) {
      request = request.withHeader("x-amz-request-payer", "requester");
    }
    return request;
  }
}
