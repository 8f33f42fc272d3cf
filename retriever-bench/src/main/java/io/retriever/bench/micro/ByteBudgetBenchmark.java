package io.retriever.bench.micro;

import io.retriever.internal.pipeline.ByteBudget;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The budget's cost per chunk: one acquire by the chunker and one release by a worker, alone and
 * with the two on different threads (as in the pipeline).
 *
 * <pre>
 * java -cp retriever-cli/target/retriever.jar org.openjdk.jmh.Main ByteBudgetBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ByteBudgetBenchmark {
  private final ByteBudget budget = new ByteBudget(1L << 40);

  @Benchmark
  @Group("alone")
  public void acquireThenRelease() throws InterruptedException {
    budget.acquire(8 << 20);
    budget.release(8 << 20);
  }

  @Benchmark
  @Group("split")
  public void acquire() throws InterruptedException {
    budget.acquire(1);
  }

  @Benchmark
  @Group("split")
  public void release() {
    if (budget.inUse() > 0) {
      budget.release(1);
    }
  }
}
