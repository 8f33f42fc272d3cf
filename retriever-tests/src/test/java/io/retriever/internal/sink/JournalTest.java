package io.retriever.internal.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.ObjectInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  private static final String CHUNK = "1000";

  private static final ObjectInfo OBJECT = new ObjectInfo("b", "k", 9_500, "\"abc-2\"", null);

  private static BitSet bits(int... indexes) {
    BitSet set = new BitSet();
    for (int i : indexes) {
      set.set(i);
    }
    return set;
  }

  private static void append(Path path, String text) throws Exception {
    Files.writeString(path, text, StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
  }

  @Test
  void read_afterRecords_givesTheHeaderAndEveryChunkRecorded(@TempDir Path dir) throws Exception {
    Path path = Journal.pathFor(dir.resolve("a.bin.part"));
    try (Journal journal = Journal.start(path, OBJECT, CHUNK, new BitSet(), Map.of(), false)) {
      journal.record(3);
      journal.record(0);
      journal.progress(5, 400);
      journal.record(9);
    }

    Journal.Contents contents = Journal.read(path);

    assertThat(path.getFileName().toString()).isEqualTo("a.bin.part" + Journal.SUFFIX);
    assertThat(contents.size()).isEqualTo(9_500);
    assertThat(contents.layout()).isEqualTo(CHUNK);
    assertThat(contents.eTag()).isEqualTo("\"abc-2\"");
    assertThat(contents.chunks()).isEqualTo(bits(0, 3, 9));
    assertThat(contents.partial()).containsExactly(Map.entry(5, 400L));
    assertThat(contents.matches(OBJECT, CHUNK)).isTrue();
  }

  @Test
  void read_progressOfAChunkLaterWhole_keepsOnlyTheWholeChunk(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("a.journal");
    try (Journal journal = Journal.start(path, OBJECT, CHUNK, new BitSet(), Map.of(), false)) {
      journal.progress(2, 100);
      journal.progress(2, 700);
      journal.progress(4, 300);
      journal.progress(4, 200);
      journal.record(2);
    }

    Journal.Contents contents = Journal.read(path);

    assertThat(contents.chunks()).isEqualTo(bits(2));
    // Of several progress records the furthest counts, whatever order they were written in.
    assertThat(contents.partial()).containsExactly(Map.entry(4, 300L));
  }

  @Test
  void start_fromWhatAnEarlierJournalSaid_resumesWithItAndAddsNewRecords(@TempDir Path dir)
      throws Exception {
    Path path = dir.resolve("a.journal");
    try (Journal journal = Journal.start(path, OBJECT, CHUNK, new BitSet(), Map.of(), false)) {
      journal.record(1);
      journal.progress(6, 250);
    }
    Journal.Contents earlier = Journal.read(path);

    try (Journal journal =
        Journal.start(path, OBJECT, CHUNK, earlier.chunks(), earlier.partial(), false)) {
      journal.record(2);
    }

    Journal.Contents contents = Journal.read(path);
    assertThat(contents.chunks()).isEqualTo(bits(1, 2));
    assertThat(contents.partial()).containsExactly(Map.entry(6, 250L));
  }

  @Test
  void start_overAnOldJournal_replacesIt(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("a.journal");
    try (Journal journal = Journal.start(path, OBJECT, CHUNK, bits(0, 1, 2, 3), Map.of(), false)) {
      journal.record(4);
    }
    ObjectInfo changed = new ObjectInfo("b", "k", 9_500, "\"def-2\"", null);

    Journal.start(path, changed, CHUNK, bits(7), Map.of(), false).close();

    Journal.Contents contents = Journal.read(path);
    assertThat(contents.chunks()).isEqualTo(bits(7));
    assertThat(contents.eTag()).isEqualTo("\"def-2\"");
  }

  @Test
  void read_tornLastLine_ignoresIt(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("a.journal");
    try (Journal journal = Journal.start(path, OBJECT, CHUNK, new BitSet(), Map.of(), false)) {
      journal.record(0);
    }
    // A crash cut the record of chunk 12 (or of 1 and a bit of its progress) short.
    append(path, "12");

    Journal.Contents contents = Journal.read(path);

    assertThat(contents.chunks()).isEqualTo(bits(0));
    append(path, " 5");
    assertThat(Journal.read(path).partial()).isEmpty();
  }

  @Test
  void read_tornHeader_saysThereIsNoJournal(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("a.journal");
    Files.writeString(path, "retriever-journal 1 9500 1000 \"ab", StandardCharsets.US_ASCII);
    assertThat(Journal.read(path)).isNull();
  }

  @Test
  void read_noFile_returnsNull(@TempDir Path dir) throws Exception {
    assertThat(Journal.read(dir.resolve("missing.journal"))).isNull();
  }

  @Test
  void read_notAJournal_returnsNull(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("a.journal");
    Files.writeString(path, "hello\n1\n2\n", StandardCharsets.US_ASCII);
    assertThat(Journal.read(path)).isNull();
    Files.writeString(path, "retriever-journal 1 9500\n", StandardCharsets.US_ASCII);
    assertThat(Journal.read(path)).isNull();
  }

  @Test
  void read_garbledRecord_returnsNull(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("a.journal");
    Journal.start(path, OBJECT, CHUNK, bits(1), Map.of(), false).close();
    append(path, "x7\n");
    assertThat(Journal.read(path)).isNull();
  }

  @Test
  void matches_otherVersionOrChunkSize_isFalse(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("a.journal");
    Journal.start(path, OBJECT, CHUNK, new BitSet(), Map.of(), false).close();
    Journal.Contents contents = Journal.read(path);

    assertThat(contents.matches(OBJECT, CHUNK)).isTrue();
    assertThat(contents.matches(OBJECT, "2000")).isFalse();
    assertThat(contents.matches(new ObjectInfo("b", "k", 9_500, "\"other\"", null), CHUNK))
        .isFalse();
    assertThat(contents.matches(new ObjectInfo("b", "k", 9_501, "\"abc-2\"", null), CHUNK))
        .isFalse();
  }

  @Test
  void matches_objectWithoutETag_matchesItsOwnJournal(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("a.journal");
    ObjectInfo noETag = new ObjectInfo("b", "k", 10, null, null);
    Journal.start(path, noETag, CHUNK, new BitSet(), Map.of(), false).close();

    assertThat(Journal.read(path).matches(noETag, CHUNK)).isTrue();
  }
}
