package io.retriever.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.DownloadListener;
import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.IncompleteDownloadException;
import io.retriever.ObjectInfo;
import io.retriever.Retriever;
import io.retriever.event.ChunkRequested;
import io.retriever.event.ChunksPlanned;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Runs every example against LocalS3 and checks what it promises, bytes included. */
@ExtendWith(LocalS3Extension.class)
class ExamplesTest {
  private static Retriever.Builder builder(LocalS3 s3) {
    return s3.retriever();
  }

  @Test
  void retryCounter(LocalS3 s3) {
    s3.createBucket("listener");
    s3.putMany("listener", 5, 1000, i -> "k" + i);
    RetryCounter counter = new RetryCounter();
    try (Retriever retriever = builder(s3).addListener(counter).build()) {
      retriever.toMemory(DownloadRequest.prefix("listener", "")).await();
    }
    assertThat(counter.objects()).isEqualTo(5);
    assertThat(counter.retries()).isZero();
  }

  @Test
  void sizeClassPlanner_cutsEachObjectByItsSize(LocalS3 s3, @TempDir Path dir) throws Exception {
    int chunk = 64 << 10;
    s3.createBucket("plan");
    // Expected ranges per key, as "offset+length".
    Map<String, List<String>> expected = new TreeMap<>();
    Map<String, TestObject> objects = new TreeMap<>();
    for (long size : new long[] {0, 1000, 100 << 10, 224 << 10, 5L * chunk + 7}) {
      TestObject o = s3.putRandom("plan", "p/" + size + ".bin", size);
      objects.put(o.key(), o);
    }
    expected.put("p/1000.bin", List.of("0+1000"));
    expected.put("p/102400.bin", List.of("0+51200", "51200+51200"));
    expected.put("p/229376.bin", List.of("0+57344", "57344+57344", "114688+57344", "172032+57344"));
    List<String> uniform = new ArrayList<>();
    for (long at = 0; at < 5L * chunk + 7; at += chunk) {
      uniform.add(at + "+" + Math.min(chunk, 5L * chunk + 7 - at));
    }
    expected.put("p/327687.bin", uniform);
    Map<String, List<String>> requested = new ConcurrentSkipListMap<>();
    Map<String, Integer> planned = new ConcurrentSkipListMap<>();
    DownloadListener ranges =
        new DownloadListener() {
          @Override
          public void chunksPlanned(ChunksPlanned e) {
            planned.put(e.object().key(), e.chunks());
          }

          @Override
          public void chunkRequested(ChunkRequested e) {
            requested
                .computeIfAbsent(e.task().object().key(), k -> new CopyOnWriteArrayList<>())
                .add(e.task().offset() + "+" + e.task().length());
          }
        };
    try (Retriever retriever =
        builder(s3)
            .chunkSize(chunk)
            .chunkPlanner(new SizeClassPlanner(16 << 10))
            .addListener(ranges)
            .build()) {
      retriever.toDirectory(DownloadRequest.prefix("plan", "p/"), dir).await();
    }
    for (TestObject o : objects.values()) {
      Path file = dir.resolve(o.key().substring(2));
      assertThat(Files.size(file)).isEqualTo(o.size());
      assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
    }
    requested.values().forEach(list -> list.sort(ExamplesTest::byOffset));
    assertThat(requested).isEqualTo(expected);
    assertThat(planned).containsEntry("p/0.bin", 0).containsEntry("p/229376.bin", 4);
  }

  private static int byOffset(String a, String b) {
    return Long.compare(
        Long.parseLong(a.substring(0, a.indexOf('+'))),
        Long.parseLong(b.substring(0, b.indexOf('+'))));
  }

  @Test
  void skipUnchanged(LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("skip");
    TestObject csv = s3.putRandom("skip", "t/table.csv", 100);
    TestObject bin = s3.putRandom("skip", "t/data.bin", 100);
    s3.putRandom("skip", "t/scratch.tmp", 100);
    try (Retriever retriever =
        builder(s3).addObjectInterceptor(new SkipUnchanged(Instant.EPOCH)).build()) {
      DownloadSummary summary =
          retriever.toDirectory(DownloadRequest.prefix("skip", "t/"), dir).await();
      assertThat(summary.objectsSkipped()).isEqualTo(1);
    }
    assertThat(TestData.sha256(dir.resolve("csv/table.csv"))).isEqualTo(csv.sha256());
    assertThat(TestData.sha256(dir.resolve("data.bin"))).isEqualTo(bin.sha256());
    assertThat(dir.resolve("scratch.tmp")).doesNotExist();
    try (Retriever retriever =
        builder(s3)
            .addObjectInterceptor(new SkipUnchanged(Instant.now().plusSeconds(60)))
            .build()) {
      assertThat(retriever.toMemory(DownloadRequest.prefix("skip", "t/")).objects()).isEmpty();
    }
  }

  @Test
  void customerKeyHeaders_areSignedAndSent(LocalS3 s3) {
    s3.createBucket("headers");
    TestObject o = s3.putRandom("headers", "h.bin", 300_000);
    try (Retriever retriever =
        builder(s3)
            .chunkSize(64 << 10)
            .addChunkInterceptor(new CustomerKeyHeaders(new byte[32], true).interceptor())
            .build()) {
      byte[] bytes =
          retriever.toMemory(DownloadRequest.key("headers", "h.bin")).objects().get(0).bytes();
      assertThat(TestData.sha256(bytes)).isEqualTo(o.sha256());
    }
  }

  @Test
  void gunzipAfterDownload(LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("gzip");
    byte[] text = "hello, retriever\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(text);
    }
    s3.put("gzip", "logs/a.txt.gz", gz.toByteArray());
    s3.put("gzip", "logs/broken.txt.gz", new byte[] {1, 2, 3});
    try (Retriever retriever = builder(s3).addPostDownloadHook(new GunzipAfterDownload()).build()) {
      assertThatThrownBy(
              () -> retriever.toDirectory(DownloadRequest.prefix("gzip", "logs/"), dir).await())
          .isInstanceOfSatisfying(
              IncompleteDownloadException.class,
              e -> assertThat(e.failures().get(0).object().key()).isEqualTo("logs/broken.txt.gz"));
    }
    assertThat(Files.readAllBytes(dir.resolve("a.txt"))).isEqualTo(text);
    assertThat(dir.resolve("a.txt.gz")).doesNotExist();
    assertThat(dir.resolve("broken.txt.gz")).doesNotExist();
  }

  @Test
  void processAsTheyArrive(LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("arrive");
    Map<String, Long> expected = new TreeMap<>();
    Map<String, byte[]> contents = new TreeMap<>();
    for (int i = 0; i < 40; i++) {
      byte[] text = "line\n".repeat(i).getBytes(StandardCharsets.US_ASCII);
      s3.put("arrive", "txt/f" + i + ".txt", text);
      expected.put("txt/f" + i + ".txt", (long) i);
      contents.put("f" + i + ".txt", text);
    }
    Map<String, Long> lines;
    try (Retriever retriever = builder(s3).build()) {
      lines =
          ProcessAsTheyArrive.countLines(retriever, DownloadRequest.prefix("arrive", "txt/"), dir);
    }
    assertThat(lines).isEqualTo(expected);
    for (Map.Entry<String, byte[]> e : contents.entrySet()) {
      Path file = dir.resolve(e.getKey());
      assertThat(file).hasSize(e.getValue().length);
      assertThat(TestData.sha256(file)).isEqualTo(TestData.sha256(e.getValue()));
    }
  }

  @Test
  void csvManifestLister(LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("inventory");
    TestObject a = s3.putRandom("inventory", "x/a", 5000);
    s3.putRandom("inventory", "x/b", 5000);
    StringBuilder csv = new StringBuilder();
    try (Retriever plain = builder(s3).build()) {
      ObjectInfo info = plain.stat("inventory", "x/a").orElseThrow();
      csv.append("x/a,").append(info.size()).append(',').append(info.eTag()).append('\n');
    }
    Path manifest = dir.resolve("inventory.csv");
    Files.writeString(manifest, csv);
    try (Retriever retriever = builder(s3).lister(new CsvManifestLister(manifest)).build()) {
      List<io.retriever.ObjectBytes> got =
          retriever.toMemory(DownloadRequest.prefix("inventory", "x/")).objects();
      assertThat(got)
          .singleElement()
          .satisfies(o -> assertThat(TestData.sha256(o.bytes())).isEqualTo(a.sha256()));
    }
  }

  @Test
  void keyValueSink(LocalS3 s3) {
    s3.createBucket("kvstore");
    List<TestObject> objects = s3.putMany("kvstore", 20, 200_000, i -> "obj-" + i);
    KeyValueSink sink = new KeyValueSink();
    try (Retriever retriever = builder(s3).chunkSize(64 << 10).sink(sink).build()) {
      retriever.download(DownloadRequest.prefix("kvstore", "")).await();
    }
    assertThat(sink.store()).hasSize(20);
    for (TestObject o : objects) {
      assertThat(TestData.sha256(sink.store().get(o.key()))).isEqualTo(o.sha256());
    }
  }
}
