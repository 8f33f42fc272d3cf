package io.retriever.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.DownloadRequest;
import io.retriever.KeyFilter;
import io.retriever.ObjectBytes;
import io.retriever.Retriever;
import io.retriever.RetrieverException;
import io.retriever.S3Uri;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** --include / --exclude rules and wildcard addresses, in the library, end to end. */
@ExtendWith(LocalS3Extension.class)
class FilterTest {
  private static final List<String> KEYS =
      List.of(
          "logs/2020-12/a.gz",
          "logs/2021-01/a.gz",
          "logs/2021-01/b.txt",
          "logs/2021-02/c.gz",
          "logs/2021-02/deep/d.gz",
          "logs/2022-01/e.gz",
          "logs/readme.md",
          "logs/ünïcode/ф.gz");

  private final Map<String, TestObject> objects = new TreeMap<>();

  @BeforeEach
  void fill(LocalS3 s3) {
    if (objects.isEmpty()) {
      s3.createBucket("filters");
      for (String key : KEYS) {
        objects.put(key, s3.putRandom("filters", key, 1000 + key.length()));
      }
    }
  }

  private List<String> keys(LocalS3 s3, DownloadRequest request) {
    try (Retriever retriever = HookFixtures.retriever(s3).build()) {
      List<ObjectBytes> got = retriever.toMemory(request).objects();
      for (ObjectBytes o : got) {
        assertThat(TestData.sha256(o.bytes())).isEqualTo(objects.get(o.object().key()).sha256());
      }
      return got.stream().map(o -> o.object().key()).toList();
    }
  }

  @Test
  void wildcard_listsFromTheLiteralPrefix_andFiltersTheRest(LocalS3 s3) {
    DownloadRequest request =
        DownloadRequest.wildcard(S3Uri.parse("s3://filters/logs/2021-*/*.gz"));
    assertThat(request.prefix()).isEqualTo("logs/2021-");
    assertThat(keys(s3, request))
        .containsExactly("logs/2021-01/a.gz", "logs/2021-02/c.gz", "logs/2021-02/deep/d.gz");
    assertThat(keys(s3, DownloadRequest.wildcard(S3Uri.parse("s3://filters/logs/202?-0[!2]/a.gz"))))
        .containsExactly("logs/2021-01/a.gz");
    assertThat(keys(s3, DownloadRequest.wildcard(S3Uri.parse("s3://filters/logs/*/ф.gz"))))
        .containsExactly("logs/ünïcode/ф.gz");
  }

  @Test
  void includeAndExclude_lastMatchingRuleDecides(LocalS3 s3) {
    DownloadRequest all = DownloadRequest.prefix("filters", "logs/");
    assertThat(keys(s3, all.withFilter(KeyFilter.all().exclude("*").include("*.gz"))))
        .containsExactly(
            "logs/2020-12/a.gz",
            "logs/2021-01/a.gz",
            "logs/2021-02/c.gz",
            "logs/2021-02/deep/d.gz",
            "logs/2022-01/e.gz",
            "logs/ünïcode/ф.gz");
    assertThat(
            keys(
                s3,
                all.withFilter(
                    KeyFilter.all().exclude("2021-*").include("2021-02/*").exclude("*/deep/*"))))
        .containsExactly(
            "logs/2020-12/a.gz",
            "logs/2021-02/c.gz",
            "logs/2022-01/e.gz",
            "logs/readme.md",
            "logs/ünïcode/ф.gz");
    assertThat(keys(s3, all.withFilter(KeyFilter.all().include("*.md")))).hasSize(KEYS.size());
    assertThat(keys(s3, all.withFilter(KeyFilter.all().exclude("*")))).isEmpty();
  }

  @Test
  void filtersApplyToFiles_andPathsKeepTheirPlace(LocalS3 s3, @TempDir Path dir) throws Exception {
    try (Retriever retriever = HookFixtures.retriever(s3).build()) {
      retriever
          .toDirectory(DownloadRequest.wildcard(S3Uri.parse("s3://filters/logs/2021-*/*.gz")), dir)
          .await();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted())
          .containsExactly("2021-01/a.gz", "2021-02/c.gz", "2021-02/deep/d.gz");
    }
  }

  @Test
  void unclosedSet_isRefusedWithAFix() {
    assertThatThrownBy(() -> KeyFilter.all().include("a[bc"))
        .isInstanceOf(RetrieverException.class)
        .hasMessageContaining("add ]");
  }
}
