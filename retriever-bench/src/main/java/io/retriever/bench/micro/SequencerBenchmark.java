package io.retriever.bench.micro;

import io.retriever.Chunk;
import io.retriever.ChunkTask;
import io.retriever.ObjectInfo;
import io.retriever.hook.ChunkLayout;
import io.retriever.internal.flow.Budget;
import io.retriever.internal.pipeline.BufferPool;
import io.retriever.internal.pipeline.ChunkWriter;
import io.retriever.internal.pipeline.ObjectSink;
import io.retriever.internal.sink.OrderedSink;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the ordered path costs per chunk beyond the bytes: a writer per chunk, the hand-off to the
 * sequencer out of order, the in-order take and the budget release. Chunks are tiny so that the
 * overhead shows.
 *
 * <pre>
 * ./retriever --version   # builds the jar
 * java -cp retriever-cli/target/retriever.jar org.openjdk.jmh.Main SequencerBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SequencerBenchmark {
  private static final int CHUNKS = 256;

  /** The order chunks arrive in: as admitted, or last first. */
  @Param({"in-order", "reversed"})
  public String arrival;

  private final byte[] body = new byte[16];
  private final ObjectInfo object =
      new ObjectInfo("b", "k", (long) CHUNKS * body.length, "\"e\"", null);

  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public void chunksThroughSequencer(Blackhole hole) throws IOException, InterruptedException {
    Budget.Account budget = new Budget(1L << 30).open();
    OrderedSink sink = new OrderedSink(new BufferPool(body.length, 1L << 30));
    ChunkLayout layout = ChunkLayout.uniform(object.size(), body.length);
    ObjectSink objectSink = sink.open(object, null, layout, 0);
    ChunkWriter[] writers = new ChunkWriter[CHUNKS];
    for (int i = 0; i < CHUNKS; i++) {
      ChunkTask task = new ChunkTask(object, i, CHUNKS, layout.offset(i), layout.length(i));
      writers[i] = objectSink.writer(task, i, budget.acquire(task.length()));
      writers[i].readFrom(new ByteArrayInputStream(body), 0, body.length);
    }
    boolean reversed = arrival.equals("reversed");
    for (int i = 0; i < CHUNKS; i++) {
      writers[reversed ? CHUNKS - 1 - i : i].finish();
    }
    for (int i = 0; i < CHUNKS; i++) {
      Chunk chunk = sink.take(i);
      hole.consume(chunk.data());
      sink.release(chunk);
    }
  }
}
