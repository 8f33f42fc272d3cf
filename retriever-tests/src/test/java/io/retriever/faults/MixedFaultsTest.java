package io.retriever.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.Retriever;
import io.retriever.testkit.Faults;
import io.retriever.testkit.Faults.Kind;
import io.retriever.testkit.Faults.ListFault;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fault a download can survive, mixed: 5 % of object GETs meet one of them at random (from a
 * seed), and listing pages are cut off, garbled, lost or repeat keys. Each shape of download (many
 * medium objects, many small ones, one large one) must end well, every file byte-exact, nothing
 * temporary left, every object verified.
 *
 * <p>CI runs the shapes scaled down, on two seeds. {@code -Dretriever.mixed.seeds=1,2,3,4,5} runs
 * more seeds; {@code -Dretriever.mixed.full=true} the full shapes (64 × 16 MiB, 2,000 × 64 KiB, one
 * 1 GiB object; the test JVM then needs about 4 GiB of heap).
 */
class MixedFaultsTest {
  private static final boolean FULL = Boolean.getBoolean("retriever.mixed.full");

  /** A shape of download: how many objects of what size, fetched in chunks of what size. */
  private record Shape(String name, int objects, long size, int chunkSize) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> runs() {
    List<Shape> shapes =
        FULL
            ? List.of(
                new Shape("64 x 16 MiB", 64, 16L << 20, 8 << 20),
                new Shape("2,000 x 64 KiB", 2000, 64 << 10, 8 << 20),
                new Shape("1 x 1 GiB", 1, 1L << 30, 8 << 20))
            : List.of(
                new Shape("32 x 1 MiB", 32, 1 << 20, 128 << 10),
                new Shape("600 x 16 KiB", 600, 16 << 10, 128 << 10),
                new Shape("1 x 40 MiB", 1, 40L << 20, 256 << 10));
    long[] seeds =
        Arrays.stream(System.getProperty("retriever.mixed.seeds", "11,12").split(","))
            .mapToLong(Long::parseLong)
            .toArray();
    return shapes.stream()
        .flatMap(shape -> Arrays.stream(seeds).mapToObj(seed -> Arguments.of(shape, seed)));
  }

  @ParameterizedTest(name = "{0}, seed {1}")
  @MethodSource("runs")
  void mixedFaults_everyShape_endWellWithEveryByteVerified(
      Shape shape, long seed, @TempDir Path dir) throws Exception {
    Faults faults =
        Faults.random(
                seed,
                0.05,
                Kind.SLOW_DOWN,
                Kind.INTERNAL_ERROR,
                Kind.PRECONDITION_FAILED,
                Kind.RESET_BEFORE_HEADERS,
                Kind.CLOSE_MID_BODY,
                Kind.STALL,
                Kind.SLOW_FIRST_BYTE,
                Kind.CORRUPT_BYTE,
                Kind.SHIFTED_BODY,
                Kind.WRONG_RANGE,
                Kind.WHOLE_OBJECT,
                Kind.OTHER_VERSION)
            .afterBytes(shape.chunkSize() / 3)
            .stall(Duration.ofSeconds(2))
            .slowFirstByte(Duration.ofMillis(200))
            .listFaults(
                Map.of(
                    2, ListFault.TRUNCATED_BODY,
                    4, ListFault.GARBLED_XML,
                    6, ListFault.CUT_MID_PAGE,
                    8, ListFault.REPEATED_KEYS));
    long started = System.nanoTime();
    try (LocalS3 s3 = LocalS3.builder().faults(faults).listPageSize(100).start()) {
      s3.createBucket("mixed");
      List<TestObject> objects =
          s3.putMany(
              "mixed",
              shape.objects(),
              (int) Math.min(shape.size(), Integer.MAX_VALUE),
              i -> String.format(Locale.ROOT, "d/%05d.bin", i));
      DownloadSummary summary;
      try (Retriever retriever =
          s3.retriever()
              .chunkSize(shape.chunkSize())
              .concurrency(16)
              .stallTimeout(Duration.ofSeconds(1))
              .maxAttempts(8)
              .build()) {
        summary = retriever.toDirectory(DownloadRequest.prefix("mixed", "d/"), dir).await();
      }
      for (TestObject o : objects) {
        assertThat(TestData.sha256(dir.resolve(o.key().substring(2))))
            .as(o.key())
            .isEqualTo(o.sha256());
      }
      assertThat(TestFiles.regularFiles(dir)).as("nothing temporary left").hasSize(objects.size());
      assertThat(summary.objects()).isEqualTo(objects.size());
      assertThat(summary.objectsUnverified()).isZero();
      assertThat(faults.injected()).isPositive();
      System.out.printf(
          Locale.ROOT,
          "mixed %s, seed %d: %d object GETs, faults %s, list faults %d; %d requests, %d retries;"
              + " %.1f s%n",
          shape,
          seed,
          faults.objectGets(),
          faults.describe(),
          Arrays.stream(ListFault.values()).mapToLong(faults::injected).sum(),
          summary.requests(),
          summary.retries(),
          (System.nanoTime() - started) / 1e9);
    }
  }
}
