package io.retriever.internal.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.hook.ChunkLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Part layouts of multipart uploads: inferred from size and count, and cut into chunks. */
class PartLayoutTest {
  private static final long MIB = 1 << 20;

  @Test
  void infer_givesTheUploadersPartSizesThatFit_theLikeliestFirst() {
    // 1 GiB in 128 parts: 8 MiB parts alone fit, with parts of equal size (the same here).
    assertThat(PartLayout.infer(1L << 30, 128))
        .singleElement()
        .satisfies(p -> assertThat(p.partSize()).isEqualTo(8 * MIB));
    // 16 MiB + 3 in 3 parts: 8 MiB, or 3 parts of equal size.
    List<PartLayout> layouts = PartLayout.infer(16 * MIB + 3, 3);
    assertThat(layouts).extracting(PartLayout::partSize).containsExactly(8 * MIB, 5592407L);
    assertThat(layouts).noneMatch(PartLayout::learned);
    // 12 MiB in 2: 8 MiB and 10 MiB both fit, 8 first; and 6 MiB parts of equal size.
    assertThat(PartLayout.infer(12 * MIB, 2))
        .extracting(PartLayout::partSize)
        .containsExactly(8 * MIB, 10 * MIB, 6 * MIB);
    // One part is the whole object, known; an empty object has no layout.
    assertThat(PartLayout.infer(77, 1)).containsExactly(new PartLayout(77, 77, 1, true));
    assertThat(PartLayout.infer(0, 1)).isEmpty();
  }

  @Test
  void stated_takesOnlyPartsThatMakeTheSize() {
    assertThat(PartLayout.stated(12 * MIB + 1, 6 * MIB, 3))
        .isEqualTo(new PartLayout(12 * MIB + 1, 6 * MIB, 3, true));
    assertThat(PartLayout.stated(12 * MIB, 6 * MIB, 3)).isNull();
    assertThat(PartLayout.stated(20 * MIB, 6 * MIB, 3)).isNull();
    assertThat(PartLayout.stated(20 * MIB, 6 * MIB, 0)).isNull();
  }

  @Test
  void chunks_beginAtEveryPart_noneLongerThanTheChunkSize() {
    PartLayout parts = new PartLayout(25 * MIB + 5, 8 * MIB, 4, true);
    ChunkLayout whole = parts.chunks(8 << 20);
    assertThat(whole.count()).isEqualTo(4);
    for (int i = 0; i < 4; i++) {
      assertThat(whole.offset(i)).isEqualTo(parts.offset(i));
      assertThat((long) whole.length(i)).isEqualTo(parts.length(i));
    }
    assertThat(whole.fingerprint())
        .isEqualTo(ChunkLayout.uniform(25 * MIB + 5, 8 << 20).fingerprint());
    ChunkLayout small = parts.chunks(3 << 20);
    assertThat(small.count()).isEqualTo(3 + 3 + 3 + 1);
    assertThat(small.longest()).isLessThanOrEqualTo(3 << 20);
    assertThat(small.offset(3)).isEqualTo(8 * MIB);
    assertThat(small.offset(9)).isEqualTo(24 * MIB);
    assertThat(small.size()).isEqualTo(parts.size());
    assertThat(parts.describe()).isEqualTo("4 parts of 8 MiB");
  }
}
