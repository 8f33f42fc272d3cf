package io.retriever.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LruDirectoryTest {
  @TempDir Path dir;

  @Test
  void add_overTheLimit_evictsTheLeastRecentlyUsedEntry() throws Exception {
    LruDirectory lru = LruDirectory.open(dir, 100);
    lru.add("a", 40, file -> Files.write(file, new byte[40]));
    lru.add("b", 40, file -> Files.write(file, new byte[40]));
    Files.setLastModifiedTime(dir.resolve("objects/a"), FileTime.fromMillis(1_000));
    Files.setLastModifiedTime(dir.resolve("objects/b"), FileTime.fromMillis(2_000));
    // A hit makes "a" the most recently used, so "b" goes first.
    assertThat(lru.find("a", 40)).isEqualTo(dir.resolve("objects/a"));

    lru.add("c", 40, file -> Files.write(file, new byte[40]));

    assertThat(lru.contains("a")).isTrue();
    assertThat(lru.contains("b")).isFalse();
    assertThat(lru.contains("c")).isTrue();
    assertThat(lru.sizeBytes()).isEqualTo(80);
    assertThat(dir.resolve("tmp")).isEmptyDirectory();
  }

  @Test
  void find_wrongLengthOrMissing_returnsNull() throws Exception {
    LruDirectory lru = LruDirectory.open(dir, 100);
    lru.add("a", 10, file -> Files.write(file, new byte[10]));

    assertThat(lru.find("a", 11)).isNull();
    assertThat(lru.find("missing", 10)).isNull();
  }

  @Test
  void open_existingEntries_countsTheirBytes() throws Exception {
    LruDirectory.open(dir, 100).add("a", 30, file -> Files.write(file, new byte[30]));

    assertThat(LruDirectory.open(dir, 100).sizeBytes()).isEqualTo(30);
  }
}
