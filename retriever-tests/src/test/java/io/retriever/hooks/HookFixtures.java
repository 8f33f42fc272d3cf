package io.retriever.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.Retriever;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Shared set-up for the hook tests: a bucket of edge sizes around a 64 KiB chunk. */
final class HookFixtures {
  static final int CHUNK = 64 << 10;
  static final int[] SIZES = {0, 1, CHUNK, CHUNK + 1, 5 * CHUNK + 7};

  private HookFixtures() {}

  static Retriever.Builder retriever(LocalS3 s3) {
    return s3.retriever()
        .chunkSize(CHUNK)
        .concurrency(8)
        .progressInterval(java.time.Duration.ofMillis(20));
  }

  /** Fills {@code bucket} with one object per edge size under {@code dir/}, plus {@code bad}. */
  static Map<String, TestObject> fill(LocalS3 s3, String bucket) {
    s3.createBucket(bucket);
    Map<String, TestObject> objects = new LinkedHashMap<>();
    for (int size : SIZES) {
      TestObject o = s3.putRandom(bucket, "dir/size-" + size + ".bin", size);
      objects.put(o.key(), o);
    }
    TestObject bad = s3.putRandom(bucket, "dir/bad.bin", 3 * CHUNK);
    objects.put(bad.key(), bad);
    return objects;
  }

  /** Checks that every file below {@code root} is one of {@code expected}, with its bytes. */
  static void assertFiles(Path root, Map<String, TestObject> expected) throws IOException {
    for (TestObject o : expected.values()) {
      Path file = root.resolve(o.key().substring("dir/".length()));
      assertThat(file).exists();
      assertThat(Files.size(file)).isEqualTo(o.size());
      assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
    }
    try (Stream<Path> all = Files.walk(root)) {
      List<Path> files = all.filter(Files::isRegularFile).toList();
      assertThat(files).hasSize(expected.size());
    }
  }
}
