package io.retriever.hook;

import io.retriever.ChunkTask;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The GET a chunk is fetched with: its range and extra HTTP headers, which are signed with the
 * request.
 *
 * @param task the range; an interceptor may not change it
 * @param headers extra headers, e.g. {@code x-amz-server-side-encryption-customer-key}
 */
public record ChunkRequest(ChunkTask task, Map<String, String> headers) {
  /** Checks that a task is given and copies the headers. */
  public ChunkRequest {
    Objects.requireNonNull(task, "task");
    headers = Map.copyOf(headers);
  }

  /** Returns this request with one more header (or one replaced). */
  public ChunkRequest withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return new ChunkRequest(task, more);
  }
}
