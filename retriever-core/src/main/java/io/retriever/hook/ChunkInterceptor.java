package io.retriever.hook;

import io.retriever.Chunk;

/**
 * Wraps the GET of each chunk: adjust the request (headers such as SSE-C keys or {@code
 * x-amz-request-payer}), verify or transform the bytes, or retry by calling {@link
 * ChunkChain#proceed} again. Interceptors run in the order they were added, the built-in fetch last
 * (which itself retries broken connections).
 *
 * <pre>{@code
 * ChunkInterceptor requesterPays =
 *     chain -> chain.proceed(chain.request().withHeader("x-amz-request-payer", "requester"));
 * }</pre>
 *
 * <p>With an interceptor installed, each chunk is buffered whole before it reaches the sink, in a
 * reused array that the budget already counts. A returned chunk must hold exactly the task's
 * length. A chunk's buffer is valid until the chunk has been written: copy what you keep.
 *
 * <p>Thread: downloader workers, many chunks at once: implementations must be thread-safe.
 */
@FunctionalInterface
public interface ChunkInterceptor {
  /** Returns the chunk's bytes; never null. */
  Chunk intercept(ChunkChain chain) throws Exception;

  /** One chunk's way through the interceptors. */
  interface ChunkChain {
    /** Returns the request as the previous interceptor passed it on. */
    ChunkRequest request();

    /** Fetches the chunk with {@code request} through the rest of the chain. */
    Chunk proceed(ChunkRequest request) throws Exception;

    /** Fetches the chunk with the current request. */
    default Chunk proceed() throws Exception {
      return proceed(request());
    }
  }
}
