package io.retriever;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Thousands of small objects under one prefix, with nested and unicode keys. */
@ExtendWith(LocalS3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManyObjectsTest {
  private static final String BUCKET = "many";
  private static final int COUNT = 2000;

  private List<TestObject> objects;
  private Retriever retriever;

  @BeforeAll
  void fill(LocalS3 s3) {
    s3.createBucket(BUCKET);
    objects =
        new ArrayList<>(
            s3.putMany(
                BUCKET, COUNT, 4096, i -> String.format("set/part-%02d/obj-%05d.bin", i % 17, i)));
    objects.add(s3.putRandom(BUCKET, "set/ünïcødé/日本語/файл 1.bin", 70_000));
    objects.add(s3.putRandom(BUCKET, "set/deep/a/b/c/d/e/f/g/leaf", 1));
    objects.add(s3.put(BUCKET, "set/empty", new byte[0]));
    objects.sort((a, b) -> a.key().compareTo(b.key()));
    retriever = Fixtures.retriever(s3).build();
  }

  @AfterAll
  void close() {
    retriever.close();
  }

  @Test
  void toDirectory_thousandsOfObjects_allLandIntact(@TempDir Path dir) throws IOException {
    DownloadSummary summary =
        retriever.toDirectory(DownloadRequest.prefix(BUCKET, "set/"), dir).await();
    assertThat(summary.objects()).isEqualTo(objects.size());
    for (TestObject o : objects) {
      Path file = dir.resolve(o.key().substring("set/".length()));
      assertThat(file).hasSize(o.size());
      assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
    }
    assertThat(ConsumptionModesTest.leftovers(dir)).isEmpty();
  }

  @Test
  void objects_thousandsOfObjects_streamInKeyOrder() throws IOException {
    List<String> keys = new ArrayList<>();
    int i = 0;
    try (ObjectDownload download = retriever.objects(DownloadRequest.prefix(BUCKET, "set/"))) {
      for (ObjectDownload.Item item : download) {
        TestObject expected = objects.get(i++);
        assertThat(item.object().key()).isEqualTo(expected.key());
        try (InputStream in = item.stream()) {
          assertThat(TestData.sha256(in)).isEqualTo(expected.sha256());
        }
        keys.add(item.object().key());
      }
    }
    assertThat(keys).hasSize(objects.size());
  }

  @Test
  void toMemory_prefix_listsInPagesAndNeverHeads(LocalS3 s3) {
    long heads = s3.headRequests();
    long gets = s3.getRequests();
    long lists = s3.listRequests();
    DownloadSummary summary = retriever.toMemory(DownloadRequest.prefix(BUCKET, "set/")).await();
    assertThat(s3.headRequests() - heads).isZero();
    // One GET per non-empty object (each is smaller than a chunk), none for the empty one.
    assertThat(s3.getRequests() - gets).isEqualTo(objects.size() - 1);
    // One listing with the delimiter finds 19 folders (17 parts, deep, ünïcødé), each under 1,000
    // keys, so each is one more page, listed several at once.
    assertThat(s3.listRequests() - lists).isEqualTo(1 + 19);
    assertThat(summary.requests()).isEqualTo(objects.size() - 1 + 1 + 19);
  }

  @Test
  void toMemory_keys_headsEachOnce(LocalS3 s3) {
    List<String> keys = objects.stream().map(TestObject::key).limit(50).toList();
    long heads = s3.headRequests();
    List<ObjectBytes> result = retriever.toMemory(DownloadRequest.keys(BUCKET, keys)).objects();
    assertThat(s3.headRequests() - heads).isEqualTo(50);
    assertThat(result).extracting(o -> o.object().key()).isEqualTo(keys);
  }

  @Test
  void toDirectory_prefixWithoutSlash_keepsPathBelowLastSlash(@TempDir Path dir)
      throws IOException {
    retriever.toDirectory(DownloadRequest.prefix(BUCKET, "set/ünïcødé/日"), dir).await();
    TestObject unicode =
        objects.stream().filter(o -> o.key().contains("файл")).findFirst().orElseThrow();
    assertThat(TestData.sha256(dir.resolve("日本語/файл 1.bin"))).isEqualTo(unicode.sha256());
  }
}
