package io.retriever.internal.pipeline;

import io.retriever.ChunkTask;
import io.retriever.internal.flow.Budget;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A chunk admitted by a download's chunker, on its way to a downloader worker: its range, where its
 * bytes go, its place in the download, the budget lease its bytes hold (closed exactly once: by the
 * sink when its bytes are written or read, or by the worker when they never arrive) and what its
 * download shares with the workers.
 *
 * @param task the range to fetch
 * @param sink where the object's chunks go
 * @param sequence the chunk's place in download order, from 0
 * @param lease the budget its bytes are counted in
 * @param scope its download
 * @param claimed set by whoever takes the chunk on: a worker that took it from the queue, or its
 *     download withdrawing it at a failure; only that one may release its lease
 */
record Work(
    ChunkTask task,
    ObjectSink sink,
    long sequence,
    Budget.Lease lease,
    Scope scope,
    AtomicBoolean claimed) {
  Work(ChunkTask task, ObjectSink sink, long sequence, Budget.Lease lease, Scope scope) {
    this(task, sink, sequence, lease, scope, new AtomicBoolean());
  }

  /** Takes the chunk on; false if a worker or the withdrawal has it already. */
  boolean claim() {
    return claimed.compareAndSet(false, true);
  }
}
