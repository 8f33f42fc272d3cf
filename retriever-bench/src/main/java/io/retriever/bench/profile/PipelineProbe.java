package io.retriever.bench.profile;

import io.retriever.DownloadListener;
import io.retriever.ProgressSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the pipeline's latest gauges, as a {@link DownloadListener} receives them, for the sampler
 * to read. Add it to a retriever with a progress interval no longer than the sampling interval.
 *
 * <p>Concurrency: written by the download's progress thread, read by the sampler thread.
 */
public final class PipelineProbe implements DownloadListener {
  private volatile ProgressSnapshot latest;

  @Override
  public void progress(ProgressSnapshot snapshot) {
    latest = snapshot;
  }

  /** Returns the latest gauges, or an empty map before the first snapshot. */
  public Map<String, Object> sample() {
    ProgressSnapshot s = latest;
    Map<String, Object> gauges = new LinkedHashMap<>();
    if (s == null) {
      return gauges;
    }
    gauges.put("bytes_done", s.bytesDone());
    gauges.put("objects_done", s.objectsDone());
    gauges.put("chunks_in_flight", s.chunksInFlight());
    gauges.put("concurrency", s.concurrency());
    gauges.put("buffered_mib", SystemProbe.round(s.bufferedBytes() / (1024.0 * 1024)));
    s.queueDepths().forEach((stage, depth) -> gauges.put("queue_" + stage, depth));
    gauges.put("requests", s.requests());
    gauges.put("retries", s.retries());
    return gauges;
  }
}
