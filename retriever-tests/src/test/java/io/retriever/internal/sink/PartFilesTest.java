package io.retriever.internal.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.ObjectInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary files and journals on disk, without a download. */
class PartFilesTest {
  @Test
  void claim_fileAWriterOfThisJvmHolds_isLeftAlone(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("a.bin");
    PartFiles.Held held = PartFiles.create(target);
    assertThat(PartFiles.claim(held.path(), target)).isNull();
    assertThat(held.path()).exists();
    held.release();
  }

  @Test
  void claim_leftoverOfAWriterGone_movesItToAFreshNameOfItsOwn(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("a.bin");
    PartFiles.Held gone = PartFiles.create(target);
    gone.channel().write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
    gone.release();

    PartFiles.Held claimed = PartFiles.claim(gone.path(), target);
    assertThat(claimed).isNotNull();
    assertThat(claimed.path()).isNotEqualTo(gone.path()).exists();
    assertThat(gone.path()).doesNotExist();
    assertThat(Files.readAllBytes(claimed.path())).containsExactly(1, 2, 3);
    assertThat(PartFiles.claim(claimed.path(), target)).isNull();
    claimed.release();
  }

  @Test
  void leftovers_areThoseOfThatNameOnly_andJournalsWithoutTheirFileGo(@TempDir Path dir)
      throws Exception {
    PartFiles.Held a = PartFiles.create(dir.resolve("a.bin"));
    PartFiles.Held other = PartFiles.create(dir.resolve("a.bin.other"));
    Path orphan = dir.resolve(".a.bin.0123456789abcdef.retriever-part.journal");
    Files.writeString(orphan, "retriever-journal 1 10 1 x\n");
    Files.writeString(dir.resolve(".a.bin.retriever-part"), "an older layout: not ours");

    assertThat(new PartFiles().leftovers(dir.resolve("a.bin"))).containsExactly(a.path());
    assertThat(orphan).doesNotExist();
    a.release();
    other.release();
  }

  @Test
  void journal_recordsWholeChunksAndHowFarOthersGot(@TempDir Path dir) throws Exception {
    ObjectInfo object = new ObjectInfo("b", "k", 40L << 20, "\"etag\"", null);
    Path path = dir.resolve("j");
    try (Journal journal =
        Journal.start(
            path, object, String.valueOf(8 << 20), new BitSet(), Map.of(3, 5L << 20), false)) {
      journal.record(0);
      journal.progress(1, 1L << 20);
      journal.progress(1, 3L << 20);
      journal.progress(2, 1L << 20);
      journal.record(2);
    }
    Files.writeString(path, Files.readString(path) + "4 12"); // cut off by a kill: no newline

    Journal.Contents contents = Journal.read(path);
    assertThat(contents.matches(object, String.valueOf(8 << 20))).isTrue();
    assertThat(contents.chunks().stream().toArray()).containsExactly(0, 2);
    assertThat(contents.partial()).isEqualTo(Map.of(1, 3L << 20, 3, 5L << 20));
  }
}
