package io.retriever.hooks;

import static io.retriever.hooks.HookFixtures.CHUNK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.Chunk;
import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.HookException;
import io.retriever.IncompleteDownloadException;
import io.retriever.ObjectBytes;
import io.retriever.Retriever;
import io.retriever.event.ObjectSkipped;
import io.retriever.hook.ChunkInterceptor;
import io.retriever.hook.ObjectInterceptor;
import io.retriever.hook.ObjectPlan;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.RecordingListener;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Object and chunk interceptors: each decision they can take, their threads and their failures. */
@ExtendWith(LocalS3Extension.class)
class InterceptorTest {
  @Test
  void objectInterceptor_skipsRedirectsAndServesFromAFile(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    Map<String, TestObject> objects = HookFixtures.fill(s3, "decide");
    Path local = dir.resolve("local-copy");
    TestObject served = objects.get("dir/size-" + (CHUNK + 1) + ".bin");
    try (Retriever plain = HookFixtures.retriever(s3).build()) {
      plain
          .toFile(
              DownloadRequest.key("decide", served.key()),
              local,
              io.retriever.FileOptions.defaults())
          .await();
    }
    Set<String> threads = ConcurrentHashMap.newKeySet();
    ObjectInterceptor decide =
        chain -> {
          threads.add(Thread.currentThread().getName());
          String key = chain.object().key();
          if (key.endsWith("bad.bin")) {
            return ObjectPlan.skip("not wanted");
          }
          if (key.endsWith("size-1.bin")) {
            return chain.proceed(chain.target().resolveSibling("renamed.bin"));
          }
          if (key.equals(served.key())) {
            return new ObjectPlan.FromFile(local, chain.target());
          }
          return chain.proceed();
        };
    RecordingListener recorder = new RecordingListener();
    Path out = dir.resolve("out");
    long getsBefore = s3.getRequests();
    try (Retriever retriever =
        HookFixtures.retriever(s3).addObjectInterceptor(decide).addListener(recorder).build()) {
      DownloadSummary summary =
          retriever.toDirectory(DownloadRequest.prefix("decide", "dir/"), out).await();
      assertThat(summary.objectsSkipped()).isEqualTo(1);
      assertThat(summary.bytesFetched()).isEqualTo(summary.bytes() - served.size());
    }
    recorder.assertConsistent();
    assertThat(threads).containsExactly("retriever-lister");
    assertThat(recorder.events(ObjectSkipped.class))
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo("not wanted"));
    assertThat(out.resolve("bad.bin")).doesNotExist();
    assertThat(out.resolve("size-1.bin")).doesNotExist();
    assertThat(TestData.sha256(out.resolve("renamed.bin")))
        .isEqualTo(objects.get("dir/size-1.bin").sha256());
    assertThat(TestData.sha256(out.resolve(served.key().substring(4)))).isEqualTo(served.sha256());
    // GETs for the renamed 1-byte object, 64 KiB and 5 x 64 KiB + 7; none for the empty object
    // (nothing to fetch), the skipped one or the one served from a file.
    assertThat(s3.getRequests() - getsBefore).isEqualTo(1 + 1 + 6);
  }

  @Test
  void objectInterceptor_thatThrowsOrReturnsNull_failsItsObjectNamingIt(LocalS3 s3) {
    s3.createBucket("objfail");
    s3.putRandom("objfail", "a", 100);
    s3.putRandom("objfail", "b", 100);
    s3.putRandom("objfail", "c", 100);
    ObjectInterceptor broken =
        chain -> {
          if (chain.object().key().equals("a")) {
            throw new IllegalArgumentException("no a");
          }
          return chain.object().key().equals("b") ? null : chain.proceed();
        };
    RecordingListener recorder = new RecordingListener();
    try (Retriever retriever =
        HookFixtures.retriever(s3).addObjectInterceptor(broken).addListener(recorder).build()) {
      assertThatThrownBy(() -> retriever.toMemory(DownloadRequest.prefix("objfail", "")).await())
          .isInstanceOfSatisfying(
              IncompleteDownloadException.class,
              e -> {
                assertThat(e.failures()).hasSize(2);
                assertThat(e.failures().get(0).error())
                    .isInstanceOf(HookException.class)
                    .hasMessageContaining(broken.getClass().getName())
                    .hasMessageContaining("interceptObject")
                    .hasMessageContaining("no a");
                assertThat(e.failures().get(1).error()).hasMessageContaining("returned null");
                assertThat(e.summary().objects()).isEqualTo(1);
              });
    }
    recorder.assertConsistent();
  }

  @Test
  void chunkInterceptor_addsSignedHeadersAndTransformsBytesOnWorkers(LocalS3 s3) {
    s3.createBucket("xform");
    TestObject o = s3.putRandom("xform", "x.bin", 4 * CHUNK + 3);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger active = new AtomicInteger();
    AtomicInteger overlap = new AtomicInteger();
    CountDownLatch together = new CountDownLatch(2);
    ChunkInterceptor flip =
        chain -> {
          threads.add(Thread.currentThread().getName());
          overlap.accumulateAndGet(active.incrementAndGet(), Math::max);
          try {
            Chunk chunk =
                chain.proceed(chain.request().withHeader("x-amz-request-payer", "requester"));
            ByteBuffer in = chunk.data();
            ByteBuffer out = ByteBuffer.allocate(in.remaining());
            while (in.hasRemaining()) {
              out.put((byte) ~in.get());
            }
            // Holds the first two calls until both run, so that they overlap.
            together.countDown();
            assertThat(together.await(30, TimeUnit.SECONDS)).as("two calls at once").isTrue();
            return new Chunk(chunk.task(), out.flip());
          } finally {
            active.decrementAndGet();
          }
        };
    byte[] got;
    try (Retriever retriever = HookFixtures.retriever(s3).addChunkInterceptor(flip).build()) {
      List<ObjectBytes> all = retriever.toMemory(DownloadRequest.key("xform", "x.bin")).objects();
      got = all.get(0).bytes();
    }
    for (int i = 0; i < got.length; i++) {
      got[i] = (byte) ~got[i];
    }
    assertThat(TestData.sha256(got)).isEqualTo(o.sha256());
    assertThat(threads).allMatch(t -> t.startsWith("retriever-downloader-"));
    assertThat(overlap.get()).isGreaterThan(1);
  }

  @Test
  void requestOnlyInterceptor_adjustsEveryGet_onWorkers(LocalS3 s3) {
    s3.createBucket("reqonly");
    TestObject o = s3.putRandom("reqonly", "r.bin", 4 * CHUNK + 3);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger calls = new AtomicInteger();
    ChunkInterceptor payer =
        ChunkInterceptor.requestOnly(
            request -> {
              threads.add(Thread.currentThread().getName());
              calls.incrementAndGet();
              return request.withHeader("x-amz-request-payer", "requester");
            });
    try (Retriever retriever = HookFixtures.retriever(s3).addChunkInterceptor(payer).build()) {
      byte[] bytes =
          retriever.toMemory(DownloadRequest.key("reqonly", "r.bin")).objects().get(0).bytes();
      assertThat(TestData.sha256(bytes)).isEqualTo(o.sha256());
    }
    assertThat(calls.get()).isEqualTo(5);
    assertThat(threads).allMatch(t -> t.startsWith("retriever-downloader-"));

    ChunkInterceptor moves =
        ChunkInterceptor.requestOnly(
            request ->
                new io.retriever.hook.ChunkRequest(
                    new io.retriever.ChunkTask(
                        request.task().object(), 0, 1, 0, request.task().length()),
                    request.headers()));
    try (Retriever retriever = HookFixtures.retriever(s3).addChunkInterceptor(moves).build()) {
      assertThatThrownBy(() -> retriever.toMemory(DownloadRequest.key("reqonly", "r.bin")).await())
          .isInstanceOf(IncompleteDownloadException.class)
          .hasMessageContaining("changed the chunk's range");
    }
  }

  @Test
  void chunkInterceptor_canVerifyAndRetry(LocalS3 s3) throws Exception {
    s3.createBucket("verify");
    TestObject o = s3.putRandom("verify", "v.bin", 3 * CHUNK);
    AtomicInteger calls = new AtomicInteger();
    ChunkInterceptor retryOnce =
        chain -> {
          Chunk first = chain.proceed();
          if (first.task().index() == 1 && calls.getAndIncrement() == 0) {
            return chain.proceed(); // as if a checksum had not matched
          }
          return first;
        };
    try (Retriever retriever = HookFixtures.retriever(s3).addChunkInterceptor(retryOnce).build()) {
      long gets = s3.getRequests();
      byte[] bytes =
          retriever.toMemory(DownloadRequest.key("verify", "v.bin")).objects().get(0).bytes();
      assertThat(TestData.sha256(bytes)).isEqualTo(o.sha256());
      assertThat(s3.getRequests() - gets).isEqualTo(4);
    }
  }

  @Test
  void chunkInterceptor_thatChangesTheLength_failsItsObjectNamingIt(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("short");
    s3.putRandom("short", "a.bin", 2 * CHUNK);
    TestObject b = s3.putRandom("short", "b.bin", 2 * CHUNK);
    ChunkInterceptor truncate =
        chain -> {
          Chunk c = chain.proceed();
          if (c.object().key().equals("a.bin")) {
            return new Chunk(c.task(), c.data().slice(0, 10));
          }
          return c;
        };
    try (Retriever retriever = HookFixtures.retriever(s3).addChunkInterceptor(truncate).build()) {
      assertThatThrownBy(
              () -> retriever.toDirectory(DownloadRequest.prefix("short", ""), dir).await())
          .isInstanceOfSatisfying(
              IncompleteDownloadException.class,
              e ->
                  assertThat(e.failures())
                      .singleElement()
                      .satisfies(
                          f ->
                              assertThat(f.error())
                                  .hasMessageContaining("interceptChunk")
                                  .hasMessageContaining(truncate.getClass().getName())
                                  .hasMessageContaining("must keep the chunk's length")));
    }
    assertThat(dir.resolve("a.bin")).doesNotExist();
    assertThat(TestData.sha256(dir.resolve("b.bin"))).isEqualTo(b.sha256());
    try (var files = Files.list(dir)) {
      assertThat(files).hasSize(1);
    }
  }
}
