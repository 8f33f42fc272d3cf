package io.retriever.spark.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.spark.internal.ListedObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ObjectPackingTest {
  private static final long MIB = 1 << 20;
  private static final long PER_OBJECT = 256 << 10;

  @Test
  void pack_content_partitionsByCostInListingOrder() {
    List<ListedObject> objects = objects(12, MIB);
    objects.add(5, object("huge", 64 * MIB));

    List<ObjectPartition> partitions = ObjectPacking.pack(objects, true, 128 * MIB, 6);

    // Every object once, in listing order.
    assertThat(partitions.stream().flatMap(p -> p.objects().stream()).toList())
        .containsExactlyElementsOf(objects);
    long share = (12 * (MIB + PER_OBJECT) + 64 * MIB + PER_OBJECT + 5) / 6;
    for (ObjectPartition p : partitions) {
      long cost = p.objects().stream().mapToLong(o -> o.size() + PER_OBJECT).sum();
      assertThat(cost <= share || p.objects().size() == 1).as(p.toString()).isTrue();
      assertThat(p.bytes()).isEqualTo(p.objects().stream().mapToLong(ListedObject::size).sum());
    }
    assertThat(partitions).anySatisfy(p -> assertThat(p.objects()).containsExactly(objects.get(5)));
  }

  @Test
  void pack_content_capAtMaxPartitionBytes() {
    List<ObjectPartition> partitions = ObjectPacking.pack(objects(100, MIB), true, 4 * MIB, 1);

    // Three objects of 1.25 MiB each fit 4 MiB.
    assertThat(partitions).hasSize(34);
    assertThat(partitions.get(0).objects()).hasSize(3);
  }

  @Test
  void pack_metadataOnly_byCount() {
    List<ObjectPartition> partitions =
        ObjectPacking.pack(objects(45_000, 1000), false, 128 * MIB, 6);

    assertThat(partitions)
        .extracting(p -> p.objects().size())
        .containsExactly(20_000, 20_000, 5000);
  }

  @Test
  void batches_byBytesAndCount() {
    List<ListedObject> objects = objects(2500, 10);
    objects.add(object("big", 50 * MIB));

    List<List<ListedObject>> batches = ObjectReader.batches(objects, 32 * MIB);

    assertThat(batches).extracting(List::size).containsExactly(1000, 1000, 500, 1);
  }

  private static List<ListedObject> objects(int count, long size) {
    return new ArrayList<>(
        IntStream.range(0, count).mapToObj(i -> object(String.format("k-%06d", i), size)).toList());
  }

  private static ListedObject object(String key, long size) {
    return new ListedObject(key, size, "\"e\"", 0, null, null);
  }
}
