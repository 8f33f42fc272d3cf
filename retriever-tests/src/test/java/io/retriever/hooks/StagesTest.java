package io.retriever.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.Chunk;
import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.HookException;
import io.retriever.ObjectInfo;
import io.retriever.Retriever;
import io.retriever.hook.DownloadSink;
import io.retriever.hook.ObjectLister;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.RecordingListener;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The lister and the sink replaced by the user's own, through the builder. */
@ExtendWith(LocalS3Extension.class)
class StagesTest {
  /** Lists objects from a CSV manifest of key,size,etag lines, as an inventory report gives. */
  static ObjectLister manifest(Path csv) {
    return (request, out) -> {
      for (String line : Files.readAllLines(csv)) {
        String[] f = line.split(",", 3);
        out.add(new ObjectInfo(request.bucket(), f[0], Long.parseLong(f[1]), f[2], null));
      }
    };
  }

  @Test
  void lister_fromAManifest_replacesListing(LocalS3 s3, @TempDir Path dir) throws Exception {
    Map<String, TestObject> objects = HookFixtures.fill(s3, "manifest");
    Path csv = dir.resolve("manifest.csv");
    StringBuilder lines = new StringBuilder();
    List<String> wanted = List.of("dir/size-1.bin", "dir/bad.bin");
    try (Retriever plain = HookFixtures.retriever(s3).build()) {
      for (String key : wanted) {
        ObjectInfo info = plain.stat("manifest", key).orElseThrow();
        lines
            .append(key)
            .append(',')
            .append(info.size())
            .append(',')
            .append(info.eTag())
            .append('\n');
      }
    }
    Files.writeString(csv, lines);
    Path out = dir.resolve("out");
    long lists = s3.listRequests();
    RecordingListener recorder = new RecordingListener();
    try (Retriever retriever =
        HookFixtures.retriever(s3).lister(manifest(csv)).addListener(recorder).build()) {
      DownloadSummary summary =
          retriever.toDirectory(DownloadRequest.prefix("manifest", "dir/"), out).await();
      assertThat(summary.objects()).isEqualTo(2);
    }
    recorder.assertConsistent();
    assertThat(s3.listRequests()).isEqualTo(lists);
    for (String key : wanted) {
      assertThat(TestData.sha256(out.resolve(key.substring(4))))
          .isEqualTo(objects.get(key).sha256());
    }
  }

  @Test
  void lister_thatThrows_failsTheDownloadNamingIt(LocalS3 s3) {
    s3.createBucket("badlister");
    ObjectLister broken =
        (request, out) -> {
          throw new java.io.FileNotFoundException("manifest.csv");
        };
    try (Retriever retriever = HookFixtures.retriever(s3).lister(broken).build()) {
      assertThatThrownBy(() -> retriever.toMemory(DownloadRequest.prefix("badlister", "")).await())
          .isInstanceOfSatisfying(
              HookException.class, e -> assertThat(e.hookPoint()).isEqualTo("list"))
          .hasMessageContaining("manifest.csv")
          .hasMessageContaining(broken.getClass().getName());
    }
  }

  @Test
  void sink_ofTheUsers_receivesEveryChunk(LocalS3 s3) {
    Map<String, TestObject> objects = HookFixtures.fill(s3, "usersink");
    Map<String, byte[]> assembled = new ConcurrentHashMap<>();
    Set<String> completed = ConcurrentHashMap.newKeySet();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    DownloadSink sink =
        new DownloadSink() {
          @Override
          public void objectStarted(ObjectInfo object) {
            assembled.put(object.key(), new byte[(int) object.size()]);
          }

          @Override
          public void accept(Chunk chunk) {
            threads.add(Thread.currentThread().getName());
            chunk
                .data()
                .get(
                    assembled.get(chunk.object().key()),
                    (int) chunk.task().offset(),
                    chunk.task().length());
          }

          @Override
          public void objectCompleted(ObjectInfo object) {
            completed.add(object.key());
          }
        };
    RecordingListener recorder = new RecordingListener();
    try (Retriever retriever =
        HookFixtures.retriever(s3).sink(sink).addListener(recorder).build()) {
      DownloadSummary summary =
          retriever.download(DownloadRequest.prefix("usersink", "dir/")).await();
      assertThat(summary.objects()).isEqualTo(objects.size());
    }
    recorder.assertConsistent();
    assertThat(completed).isEqualTo(objects.keySet());
    objects.forEach(
        (key, o) -> assertThat(TestData.sha256(assembled.get(key))).as(key).isEqualTo(o.sha256()));
    assertThat(threads).allMatch(t -> t.startsWith("retriever-downloader-"));
  }

  @Test
  void download_withoutASink_saysHowToGiveOne(LocalS3 s3) {
    try (Retriever retriever = HookFixtures.retriever(s3).build()) {
      assertThatThrownBy(() -> retriever.download(DownloadRequest.prefix("x", "")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Retriever.Builder.sink");
    }
  }
}
