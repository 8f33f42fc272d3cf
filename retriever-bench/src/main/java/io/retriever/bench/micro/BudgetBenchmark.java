package io.retriever.bench.micro;

import io.retriever.internal.flow.Budget;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The budget's cost per chunk: one lease acquired by the chunker and released by a worker, alone
 * and with the two on different threads (as in the pipeline).
 *
 * <pre>
 * java -cp retriever-cli/target/retriever.jar org.openjdk.jmh.Main BudgetBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BudgetBenchmark {
  private final Budget.Account budget = new Budget(1L << 40).open();

  /** Leases acquired by the chunker thread, waiting for a worker to release them. */
  private final Queue<Budget.Lease> leases = new ConcurrentLinkedQueue<>();

  @Benchmark
  @Group("alone")
  public void acquireThenRelease() throws InterruptedException {
    budget.acquire(8 << 20).release();
  }

  @Benchmark
  @Group("split")
  public void acquire() throws InterruptedException {
    leases.add(budget.acquire(1));
  }

  @Benchmark
  @Group("split")
  public void release() {
    Budget.Lease lease = leases.poll();
    if (lease != null) {
      lease.release();
    }
  }
}
