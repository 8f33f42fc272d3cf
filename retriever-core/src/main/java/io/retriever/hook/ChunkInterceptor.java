package io.retriever.hook;

import io.retriever.Chunk;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Wraps the GET of each chunk: adjust the request (headers such as SSE-C keys or {@code
 * x-amz-request-payer}), verify or transform the bytes, or retry by calling {@link
 * ChunkChain#proceed} again. Interceptors run in the order they were added, the built-in fetch last
 * (which itself retries broken connections).
 *
 * <pre>{@code
 * ChunkInterceptor verifying = chain -> {
 *   Chunk chunk = chain.proceed();
 *   return matchesMyChecksum(chunk) ? chunk : chain.proceed(); // one more try
 * };
 * ChunkInterceptor requesterPays =
 *     ChunkInterceptor.requestOnly(r -> r.withHeader("x-amz-request-payer", "requester"));
 * }</pre>
 *
 * <p>With an interceptor installed, each chunk is buffered whole before it reaches the sink, in a
 * reused array that the budget already counts; this costs throughput and CPU on large objects
 * (BENCHMARKS.md). An interceptor that only adjusts the request ({@link #requestOnly}) does not:
 * when every interceptor is one, chunks stream to the sink as without interceptors. A returned
 * chunk must hold exactly the task's length. A chunk's buffer is valid until the chunk has been
 * written: copy what you keep.
 *
 * <p>Thread: downloader workers, many chunks at once: implementations must be thread-safe.
 */
@FunctionalInterface
public interface ChunkInterceptor {
  /** Returns the chunk's bytes; never null. */
  Chunk intercept(ChunkChain chain) throws Exception;

  /**
   * Returns an interceptor that only adjusts each chunk's request, e.g. adds headers; it never sees
   * the bytes, so chunks are not buffered for it. {@code adjust} runs on downloader workers,
   * concurrently.
   */
  static ChunkInterceptor requestOnly(UnaryOperator<ChunkRequest> adjust) {
    return new RequestOnly(adjust);
  }

  /**
   * An interceptor that only adjusts requests; see {@link #requestOnly}.
   *
   * @param adjust returns the request to send instead of the one given
   */
  record RequestOnly(UnaryOperator<ChunkRequest> adjust) implements ChunkInterceptor {
    /** Checks that {@code adjust} is given. */
    public RequestOnly {
      Objects.requireNonNull(adjust, "adjust");
    }

    @Override
    public Chunk intercept(ChunkChain chain) throws Exception {
      return chain.proceed(adjust.apply(chain.request()));
    }
  }

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
