package io.retriever.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.ObjectBytes;
import io.retriever.Retriever;
import io.retriever.hook.DownloadCache;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.RecordingListener;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The download cache, built on the object interceptor and post-download hook. */
@ExtendWith(LocalS3Extension.class)
class CacheTest {
  @Test
  void secondRun_fetchesNothingFromS3(LocalS3 s3, @TempDir Path dir) throws Exception {
    Map<String, TestObject> objects = HookFixtures.fill(s3, "cached");
    DownloadCache cache = DownloadCache.open(dir.resolve("cache"), 1L << 30);
    DownloadRequest request = DownloadRequest.prefix("cached", "dir/");
    DownloadSummary first;
    DownloadSummary second;
    long getsBetween;
    RecordingListener recorder = new RecordingListener();
    try (Retriever retriever = HookFixtures.retriever(s3).cache(cache).build()) {
      first = retriever.toDirectory(request, dir.resolve("one")).await();
    }
    getsBetween = s3.getRequests();
    try (Retriever retriever =
        HookFixtures.retriever(s3).cache(cache).addListener(recorder).build()) {
      second = retriever.toDirectory(request, dir.resolve("two")).await();
    }
    recorder.assertConsistent();
    long total = objects.values().stream().mapToLong(TestObject::size).sum();
    assertThat(first.bytesFetched()).isEqualTo(total);
    assertThat(second.bytesFetched()).isZero();
    assertThat(second.bytes()).isEqualTo(total);
    assertThat(s3.getRequests()).isEqualTo(getsBetween);
    assertThat(cache.hits()).isEqualTo(objects.size());
    HookFixtures.assertFiles(dir.resolve("two"), objects);

    // In memory too, and a changed object (new ETag) is fetched again.
    TestObject changed = s3.putRandom("cached", "dir/size-1.bin", 2);
    try (Retriever retriever = HookFixtures.retriever(s3).cache(cache).build()) {
      long gets = s3.getRequests();
      List<ObjectBytes> all = retriever.toMemory(request).objects();
      assertThat(s3.getRequests() - gets).isEqualTo(1);
      assertThat(all)
          .filteredOn(o -> o.object().key().equals(changed.key()))
          .singleElement()
          .satisfies(o -> assertThat(TestData.sha256(o.bytes())).isEqualTo(changed.sha256()));
    }
  }

  @Test
  void overItsLimit_evictsLeastRecentlyUsed(LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("lru");
    for (String key : List.of("a", "b", "c")) {
      s3.putRandom("lru", key, 40_000);
    }
    DownloadCache cache = DownloadCache.open(dir.resolve("cache"), 100_000);
    try (Retriever retriever = HookFixtures.retriever(s3).cache(cache).build()) {
      retriever.toMemory(DownloadRequest.key("lru", "a")).await();
      Thread.sleep(20);
      retriever.toMemory(DownloadRequest.key("lru", "b")).await();
      Thread.sleep(20);
      retriever.toMemory(DownloadRequest.key("lru", "a")).await(); // a is now the most recent
      Thread.sleep(20);
      retriever.toMemory(DownloadRequest.key("lru", "c")).await(); // 120,000 > 100,000: b goes
      assertThat(cache.sizeBytes()).isEqualTo(80_000);
      long gets = s3.getRequests();
      retriever.toMemory(DownloadRequest.key("lru", "a")).await();
      retriever.toMemory(DownloadRequest.key("lru", "c")).await();
      assertThat(s3.getRequests()).isEqualTo(gets);
      retriever.toMemory(DownloadRequest.key("lru", "b")).await();
      assertThat(s3.getRequests()).isEqualTo(gets + 1);
    }
  }

  @Test
  void sharedBetweenConcurrentUsers_neverServesATornEntry(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("shared");
    List<TestObject> objects = s3.putMany("shared", 200, 20_000, i -> "o" + i);
    Path cacheDir = dir.resolve("cache");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<ObjectBytes>>> runs =
          Stream.generate(
                  () ->
                      pool.submit(
                          () -> {
                            // Each user opens the directory on its own, as separate processes do.
                            DownloadCache cache = DownloadCache.open(cacheDir, 3_000_000);
                            try (Retriever r = HookFixtures.retriever(s3).cache(cache).build()) {
                              return r.toMemory(DownloadRequest.prefix("shared", "")).objects();
                            }
                          }))
              .limit(6)
              .toList();
      for (Future<List<ObjectBytes>> run : runs) {
        List<ObjectBytes> got = run.get();
        assertThat(got).hasSize(objects.size());
        for (int i = 0; i < got.size(); i++) {
          ObjectBytes o = got.get(i);
          TestObject want =
              objects.stream()
                  .filter(t -> t.key().equals(o.object().key()))
                  .findFirst()
                  .orElseThrow();
          assertThat(TestData.sha256(o.bytes())).isEqualTo(want.sha256());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    try (Stream<Path> tmp = Files.list(cacheDir.resolve("tmp"))) {
      assertThat(tmp).isEmpty();
    }
  }
}
