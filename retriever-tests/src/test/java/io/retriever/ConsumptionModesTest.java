package io.retriever;

import static io.retriever.Fixtures.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way of consuming a download, on every edge size around the chunk size, checked byte for
 * byte by SHA-256.
 */
@ExtendWith(LocalS3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsumptionModesTest {
  private static final int CHUNK = MiB;
  private static final String BUCKET = "modes";
  private static final int[] SIZES = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17, 100 * MiB};

  private final Map<String, TestObject> objects = new HashMap<>();
  private Retriever retriever;

  @BeforeAll
  void fill(LocalS3 s3) {
    s3.createBucket(BUCKET);
    for (int size : SIZES) {
      TestObject o = s3.putRandom(BUCKET, "sizes/size-" + size + ".bin", size);
      objects.put(o.key(), o);
    }
    retriever = Fixtures.retriever(s3).chunkSize(CHUNK).concurrency(16).build();
  }

  @AfterAll
  void close() {
    retriever.close();
  }

  private static DownloadRequest all() {
    return DownloadRequest.prefix(BUCKET, "sizes/");
  }

  private void assertAll(Map<String, String> hashes) {
    Map<String, String> expected = new HashMap<>();
    objects.values().forEach(o -> expected.put(o.key(), o.sha256()));
    assertThat(hashes).isEqualTo(expected);
  }

  @Test
  void toDirectory_everySize_bytesMatch(@TempDir Path dir) throws IOException {
    DownloadSummary summary;
    try (FileDownload download = retriever.toDirectory(all(), dir)) {
      summary = download.await();
      assertThat(download.files()).hasSize(SIZES.length);
    }
    Map<String, String> hashes = new HashMap<>();
    for (TestObject o : objects.values()) {
      Path file = dir.resolve(o.key().substring("sizes/".length()));
      assertThat(file).hasSize(o.size());
      hashes.put(o.key(), TestData.sha256(file));
    }
    assertAll(hashes);
    assertThat(summary.objects()).isEqualTo(SIZES.length);
    assertThat(summary.bytes())
        .isEqualTo(objects.values().stream().mapToLong(TestObject::size).sum());
    assertThat(leftovers(dir)).isEmpty();
  }

  @Test
  void toMemory_everySize_bytesMatch() {
    Map<String, String> hashes = new HashMap<>();
    try (MemoryDownload download = retriever.toMemory(all())) {
      for (ObjectBytes o : download.objects()) {
        hashes.put(o.object().key(), TestData.sha256(o.bytes()));
      }
    }
    assertAll(hashes);
  }

  @Test
  void toDirectoryKeepingMemory_everySize_bothMatch(@TempDir Path dir) throws IOException {
    Map<String, String> fromFiles = new HashMap<>();
    Map<String, String> fromMemory = new HashMap<>();
    try (FileDownload download =
        retriever.toDirectory(all(), dir, FileOptions.defaults().withKeepInMemory(true))) {
      for (DownloadedFile f : download.files()) {
        fromFiles.put(f.object().key(), TestData.sha256(f.path()));
        fromMemory.put(f.object().key(), TestData.sha256(f.bytes()));
      }
    }
    assertAll(fromFiles);
    assertAll(fromMemory);
  }

  @Test
  void objects_everySize_streamsInKeyOrder() throws IOException {
    Map<String, String> hashes = new HashMap<>();
    List<String> keys = new ArrayList<>();
    try (ObjectDownload download = retriever.objects(all())) {
      for (ObjectDownload.Item item : download) {
        keys.add(item.object().key());
        try (InputStream in = item.stream()) {
          hashes.put(item.object().key(), TestData.sha256(in));
        }
      }
      assertThat(download.await().objects()).isEqualTo(SIZES.length);
    }
    assertAll(hashes);
    assertThat(keys).isSorted();
  }

  @Test
  void chunks_everySize_arriveInOrder() {
    Map<String, ByteArrayOutputStream> bodies = new HashMap<>();
    try (ChunkDownload download = retriever.chunks(all())) {
      for (Chunk chunk : download) {
        ByteArrayOutputStream body =
            bodies.computeIfAbsent(chunk.object().key(), k -> new ByteArrayOutputStream());
        assertThat(chunk.task().offset()).isEqualTo(body.size());
        byte[] bytes = new byte[chunk.data().remaining()];
        chunk.data().duplicate().get(bytes);
        body.writeBytes(bytes);
      }
      download.await();
    }
    Map<String, String> hashes = new HashMap<>();
    objects
        .values()
        .forEach(
            o ->
                hashes.put(
                    o.key(),
                    TestData.sha256(
                        bodies.getOrDefault(o.key(), new ByteArrayOutputStream()).toByteArray())));
    assertAll(hashes);
  }

  @Test
  void toFile_oneKey_landsUnderGivenName(@TempDir Path dir) throws IOException {
    TestObject o = objects.get("sizes/size-" + (CHUNK + 1) + ".bin");
    Path file = dir.resolve("out.bin");
    retriever.toFile(DownloadRequest.key(BUCKET, o.key()), file, FileOptions.defaults()).await();
    assertThat(TestData.sha256(file)).isEqualTo(o.sha256());
    assertThat(leftovers(dir)).isEmpty();
  }

  @Test
  void keys_explicitList_headsAndKeepsOrder() throws IOException {
    List<String> keys =
        List.of("sizes/size-1.bin", "sizes/size-0.bin", "sizes/size-" + CHUNK + ".bin");
    List<String> seen = new ArrayList<>();
    try (ObjectDownload download = retriever.objects(DownloadRequest.keys(BUCKET, keys))) {
      for (ObjectDownload.Item item : download) {
        seen.add(item.object().key());
        try (InputStream in = item.stream()) {
          assertThat(TestData.sha256(in)).isEqualTo(objects.get(item.object().key()).sha256());
        }
      }
    }
    assertThat(seen).isEqualTo(keys);
  }

  static List<Path> leftovers(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".retriever-part")).toList();
    }
  }
}
