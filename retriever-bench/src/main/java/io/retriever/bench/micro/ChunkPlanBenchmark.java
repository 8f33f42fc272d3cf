package io.retriever.bench.micro;

import io.retriever.ChunkTask;
import io.retriever.ObjectInfo;
import io.retriever.hook.ChunkLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Planning the chunks of one object, at the chunk edges (chunk-1, chunk, chunk+1) and for a large
 * object.
 *
 * <pre>
 * java -cp retriever-cli/target/retriever.jar org.openjdk.jmh.Main ChunkPlanBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChunkPlanBenchmark {
  private static final int CHUNK = 8 << 20;

  @Param({"8388607", "8388608", "8388609", "1073741824"})
  public long size;

  private ObjectInfo object;

  @org.openjdk.jmh.annotations.Setup
  public void setUp() {
    object = new ObjectInfo("bucket", "key", size, "\"etag\"", null);
  }

  @Benchmark
  public void planEveryChunk(Blackhole hole) {
    ChunkLayout layout = ChunkLayout.uniform(object.size(), CHUNK);
    int count = layout.count();
    for (int i = 0; i < count; i++) {
      hole.consume(new ChunkTask(object, i, count, layout.offset(i), layout.length(i)));
    }
  }
}
