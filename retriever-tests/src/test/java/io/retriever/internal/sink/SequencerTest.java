package io.retriever.internal.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.Chunk;
import io.retriever.ChunkTask;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SequencerTest {
  /** How long a test waits for another thread before it fails. */
  private static final long WAIT_SECONDS = 30;

  private static final ObjectInfo OBJECT = new ObjectInfo("b", "k", 80, "\"e\"", null);

  /** The consumer's thread, once it has started. */
  private final AtomicReference<Thread> consumerThread = new AtomicReference<>();

  private final ExecutorService consumer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "sequencer-test-consumer");
            consumerThread.set(t);
            return t;
          });

  @AfterEach
  void stopConsumer() throws InterruptedException {
    consumer.shutdownNow();
    assertThat(consumer.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  private static Chunk chunk(int index) {
    return new Chunk(
        new ChunkTask(OBJECT, index, 8, index * 10L, 10),
        ByteBuffer.allocate(10).put(0, (byte) index));
  }

  /** Waits, bounded, until the consumer thread waits for a chunk. */
  private void awaitConsumerWaiting() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (consumerThread.get() == null
        || consumerThread.get().getState() != Thread.State.WAITING) {
      assertThat(System.nanoTime()).as("consumer waiting").isLessThan(deadline);
      Thread.yield();
    }
  }

  private static RetrieverException failure() {
    return new RetrieverException(RetrieverException.Reason.CHANGED, "s3://b/k changed");
  }

  @Test
  void take_chunksPutInAnyOrder_returnsThemInOrder() throws Exception {
    Sequencer sequencer = new Sequencer();
    for (int index : new int[] {5, 2, 7, 0, 3, 1, 6, 4}) {
      sequencer.put(index, chunk(index));
    }
    List<Integer> taken = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Chunk chunk = sequencer.take(i);
      taken.add(chunk.task().index());
      assertThat(chunk.data().get(0)).isEqualTo((byte) i);
    }
    assertThat(taken).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
  }

  @Test
  void take_beforeItsChunkArrives_waitsForThatChunkOnly() throws Exception {
    Sequencer sequencer = new Sequencer();
    Future<Chunk> first = consumer.submit(() -> sequencer.take(0));
    awaitConsumerWaiting();
    // Later chunks wake the consumer, which goes back to waiting for chunk 0.
    sequencer.put(2, chunk(2));
    sequencer.put(1, chunk(1));
    assertThat(first.isDone()).isFalse();

    sequencer.put(0, chunk(0));

    assertThat(first.get(WAIT_SECONDS, TimeUnit.SECONDS).task().index()).isZero();
    assertThat(sequencer.take(1).task().index()).isEqualTo(1);
    assertThat(sequencer.take(2).task().index()).isEqualTo(2);
  }

  @Test
  void fail_waitingConsumer_wakesWithTheFailure() throws Exception {
    Sequencer sequencer = new Sequencer();
    Future<Chunk> waiter = consumer.submit(() -> sequencer.take(0));
    awaitConsumerWaiting();
    RetrieverException failure = failure();

    sequencer.fail(failure);

    assertThatThrownBy(() -> waiter.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isSameAs(failure);
  }

  @Test
  void fail_chunksWaiting_dropsThemAndLaterTakesThrow() {
    Sequencer sequencer = new Sequencer();
    sequencer.put(0, chunk(0));
    sequencer.put(1, chunk(1));
    RetrieverException failure = failure();

    sequencer.fail(failure);

    assertThatThrownBy(() -> sequencer.take(0)).isSameAs(failure);
    assertThatThrownBy(() -> sequencer.take(1)).isSameAs(failure);
  }

  @Test
  void take_interruptedWhileWaiting_throwsInterruptedException() throws Exception {
    Sequencer sequencer = new Sequencer();
    Future<Chunk> waiter = consumer.submit(() -> sequencer.take(0));
    awaitConsumerWaiting();

    consumerThread.get().interrupt();

    assertThatThrownBy(() -> waiter.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(InterruptedException.class);
  }
}
