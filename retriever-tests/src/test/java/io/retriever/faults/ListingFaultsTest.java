package io.retriever.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.IncompleteDownloadException;
import io.retriever.ObjectBytes;
import io.retriever.ObjectInfo;
import io.retriever.Retriever;
import io.retriever.RetrieverException;
import io.retriever.event.ObjectFailed;
import io.retriever.event.ObjectListed;
import io.retriever.event.ObjectSkipped;
import io.retriever.testkit.Faults;
import io.retriever.testkit.Faults.ListFault;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.RecordingListener;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ListObjectsV2 pages that misbehave (cut off, garbled, lost, paging that would lose, repeat or
 * loop keys) and keys that do not fit in XML: the download either completes with every byte right,
 * or fails with one line naming the bucket and prefix; it never ends well with an object missing
 * and never hangs. Pages hold 3 keys, so 12 objects take 4 pages.
 */
class ListingFaultsTest {
  private static final String BUCKET = "listing";
  private static final String PREFIX = "data/";
  private static final int OBJECTS = 12;
  private static final int PAGE = 3;

  /** Bounds every download here: a listing that loops would otherwise never end. */
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private static LocalS3 start(Faults faults) {
    return LocalS3.builder().faults(faults).listPageSize(PAGE).start();
  }

  private static Retriever.Builder retriever(LocalS3 s3) {
    return s3.retriever().concurrency(4).maxAttempts(3);
  }

  /** Stores the test's objects, of different sizes, and returns them in key order. */
  private static List<TestObject> fill(LocalS3 s3) {
    s3.createBucket(BUCKET);
    List<TestObject> objects = new ArrayList<>();
    for (int i = 0; i < OBJECTS; i++) {
      objects.add(s3.putRandom(BUCKET, String.format("%sk%02d.bin", PREFIX, i), 1000 + 37 * i));
    }
    return objects;
  }

  /** Checks that the objects arrived once each, in full, byte for byte. */
  private static void assertAll(List<ObjectBytes> got, List<TestObject> expected) {
    assertThat(got)
        .extracting(o -> o.object().key())
        .containsExactlyElementsOf(expected.stream().map(TestObject::key).toList());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(got.get(i).bytes()).hasSize((int) expected.get(i).size());
      assertThat(TestData.sha256(got.get(i).bytes())).isEqualTo(expected.get(i).sha256());
    }
  }

  /** Checks that every file in {@code dir} is one of the objects, complete and right. */
  private static int assertFilesRight(Path dir, List<TestObject> objects) throws Exception {
    Map<String, TestObject> byName =
        objects.stream().collect(Collectors.toMap(o -> o.key().substring(PREFIX.length()), o -> o));
    List<String> files = TestFiles.regularFiles(dir);
    for (String name : files) {
      TestObject o = byName.get(name);
      assertThat(o).as("a file for an object: %s", name).isNotNull();
      assertThat(Files.size(dir.resolve(name))).isEqualTo(o.size());
      assertThat(TestData.sha256(dir.resolve(name))).isEqualTo(o.sha256());
    }
    return files.size();
  }

  @ParameterizedTest
  @EnumSource(
      value = ListFault.class,
      names = {"TRUNCATED_BODY", "GARBLED_XML", "CUT_MID_PAGE"})
  void listPage_cutOffGarbledOrLost_isFetchedAgainAndAllArrives(ListFault fault) throws Exception {
    Faults faults = Faults.none().listFaults(Map.of(2, fault));
    try (LocalS3 s3 = start(faults)) {
      List<TestObject> objects = fill(s3);
      try (Retriever retriever = retriever(s3).build()) {
        var download = retriever.toMemory(DownloadRequest.prefix(BUCKET, PREFIX));
        DownloadSummary summary = assertTimeoutPreemptively(LIMIT, download::await);
        assertAll(download.objects(), objects);
        assertThat(summary.retries()).as("the page was asked for again").isEqualTo(1);
      }
      assertThat(faults.injected(fault)).isEqualTo(1);
    }
  }

  @Test
  void listPage_failingEveryTime_failsNamingThePrefixAfterBoundedAttempts() throws Exception {
    Faults faults =
        Faults.none()
            .listFaults(
                Map.of(
                    2, ListFault.GARBLED_XML, 3, ListFault.GARBLED_XML, 4, ListFault.GARBLED_XML));
    try (LocalS3 s3 = start(faults)) {
      fill(s3);
      try (Retriever retriever = retriever(s3).build()) {
        assertThatThrownBy(
                () ->
                    assertTimeoutPreemptively(
                        LIMIT,
                        () -> retriever.toMemory(DownloadRequest.prefix(BUCKET, PREFIX)).await()))
            .isInstanceOf(RetrieverException.class)
            .hasMessageContaining("listing s3://listing/data/ failed on page 2 after 3 attempts")
            .hasMessageNotContaining("\n");
      }
      assertThat(faults.listRequests()).isEqualTo(4);
    }
  }

  @Test
  void pageTruncatedWithoutAToken_failsNamingThePrefix(@TempDir Path dir) throws Exception {
    Faults faults = Faults.none().listFaults(Map.of(2, ListFault.TRUNCATED_WITHOUT_TOKEN));
    try (LocalS3 s3 = start(faults)) {
      List<TestObject> objects = fill(s3);
      try (Retriever retriever = retriever(s3).build()) {
        assertThatThrownBy(
                () ->
                    assertTimeoutPreemptively(
                        LIMIT,
                        () ->
                            retriever
                                .toDirectory(DownloadRequest.prefix(BUCKET, PREFIX), dir)
                                .await()))
            .isInstanceOf(RetrieverException.class)
            .hasMessageContaining("listing s3://listing/data/ cannot be trusted")
            .hasMessageContaining("page 2 says more keys follow but gives no continuation token")
            .hasMessageContaining("stopped after 'data/k05.bin'")
            .hasMessageContaining("ListObjectsV2 paging")
            .hasMessageNotContaining("\n");
      }
      assertThat(assertFilesRight(dir, objects)).isLessThan(OBJECTS);
      assertThat(faults.listRequests()).isEqualTo(2);
    }
  }

  @Test
  void tokenLoopingBackToTheFirstPage_failsNamingThePrefix_insteadOfHanging() throws Exception {
    Faults faults = Faults.none().listFaults(Map.of(3, ListFault.TOKEN_LOOPS_BACK));
    try (LocalS3 s3 = start(faults)) {
      List<TestObject> objects = fill(s3);
      RecordingListener recorder = new RecordingListener();
      try (Retriever retriever = retriever(s3).addListener(recorder).build()) {
        assertThatThrownBy(
                () ->
                    assertTimeoutPreemptively(
                        LIMIT,
                        () -> retriever.toMemory(DownloadRequest.prefix(BUCKET, PREFIX)).await()))
            .isInstanceOf(RetrieverException.class)
            .hasMessageContaining("listing s3://listing/data/ cannot be trusted")
            .hasMessageContaining("page 3 gives the continuation token page 1 gave")
            .hasMessageNotContaining("\n");
      }
      assertThat(faults.listRequests()).isEqualTo(3);
      // The keys of the page that loops went on; no page after it was asked for.
      assertThat(recorder.events(ObjectListed.class))
          .extracting(e -> e.object().key())
          .containsExactlyElementsOf(objects.subList(0, 9).stream().map(TestObject::key).toList());
    }
  }

  @Test
  void keysRepeatedFromThePreviousPage_areDownloadedOnce() throws Exception {
    Faults faults = Faults.none().listFaults(Map.of(2, ListFault.REPEATED_KEYS));
    try (LocalS3 s3 = start(faults)) {
      List<TestObject> objects = fill(s3);
      try (Retriever retriever = retriever(s3).build()) {
        var download = retriever.toMemory(DownloadRequest.prefix(BUCKET, PREFIX));
        DownloadSummary summary = assertTimeoutPreemptively(LIMIT, download::await);
        assertAll(download.objects(), objects);
        assertThat(summary.objects()).isEqualTo(OBJECTS);
      }
      assertThat(faults.injected(ListFault.REPEATED_KEYS)).isEqualTo(1);
    }
  }

  @Test
  void keysGoingBackwards_failNamingThePrefix(@TempDir Path dir) throws Exception {
    Faults faults = Faults.none().listFaults(Map.of(2, ListFault.KEYS_BACKWARDS));
    try (LocalS3 s3 = start(faults)) {
      List<TestObject> objects = fill(s3);
      try (Retriever retriever = retriever(s3).build()) {
        assertThatThrownBy(
                () ->
                    assertTimeoutPreemptively(
                        LIMIT,
                        () ->
                            retriever
                                .toDirectory(DownloadRequest.prefix(BUCKET, PREFIX), dir)
                                .await()))
            .isInstanceOf(RetrieverException.class)
            .hasMessageContaining("listing s3://listing/data/ cannot be trusted")
            .hasMessageContaining(
                "key 'data/k00.bin~' on page 2 comes after 'data/k02.bin', out of order")
            .hasMessageNotContaining("\n");
      }
      assertThat(assertFilesRight(dir, objects)).isLessThan(OBJECTS);
    }
  }

  @Test
  void keyOutsideThePrefix_failsNamingIt(@TempDir Path dir) throws Exception {
    Faults faults = Faults.none().listFaults(Map.of(2, ListFault.KEY_OUTSIDE_PREFIX));
    try (LocalS3 s3 = start(faults)) {
      List<TestObject> objects = fill(s3);
      try (Retriever retriever = retriever(s3).build()) {
        assertThatThrownBy(
                () ->
                    assertTimeoutPreemptively(
                        LIMIT,
                        () ->
                            retriever
                                .toDirectory(DownloadRequest.prefix(BUCKET, PREFIX), dir)
                                .await()))
            .isInstanceOf(RetrieverException.class)
            .hasMessageContaining("listing s3://listing/data/ cannot be trusted")
            .hasMessageContaining("key '~outside.bin' on page 2 is not under the prefix")
            .hasMessageNotContaining("\n");
      }
      assertThat(assertFilesRight(dir, objects)).isLessThan(OBJECTS);
      assertThat(dir.resolve("~outside.bin")).doesNotExist();
    }
  }

  @Test
  void keyWithAControlCharacter_isRefusedByName_andTheRestArrives(@TempDir Path dir)
      throws Exception {
    try (LocalS3 s3 = start(Faults.none())) {
      List<TestObject> objects = fill(s3);
      s3.put(BUCKET, PREFIX + "bell\u0001.bin", new byte[] {1, 2, 3});
      try (Retriever retriever = retriever(s3).build()) {
        assertThatThrownBy(
                () ->
                    assertTimeoutPreemptively(
                        LIMIT,
                        () ->
                            retriever
                                .toDirectory(DownloadRequest.prefix(BUCKET, PREFIX), dir)
                                .await()))
            .isInstanceOfSatisfying(
                IncompleteDownloadException.class,
                e -> {
                  assertThat(e.failures())
                      .extracting(ObjectFailed::object)
                      .extracting(ObjectInfo::key)
                      .containsExactly(PREFIX + "bell\u0001.bin");
                  assertThat(e.failures().get(0).error().getMessage())
                      .contains("refusing key 'data/bell\\x01.bin'")
                      .contains("control character")
                      .doesNotContain("\n");
                  assertThat(e.summary().objects()).isEqualTo(OBJECTS);
                });
      }
      assertThat(assertFilesRight(dir, objects)).isEqualTo(OBJECTS);
    }
  }

  @Test
  void list_ofKeysThatNeedEncoding_returnsThemExactly() throws Exception {
    List<String> keys =
        List.of(
            PREFIX + "a b+c%20d.bin",
            PREFIX + "bell\u0001.bin",
            PREFIX + "caf\u00e9 \u6771\u4eac.bin",
            PREFIX + "lt<gt>amp&.bin");
    try (LocalS3 s3 = start(Faults.none())) {
      s3.createBucket(BUCKET);
      List<TestObject> objects = new ArrayList<>();
      for (String key : keys) {
        objects.add(s3.putRandom(BUCKET, key, 100 + key.length()));
      }
      try (Retriever retriever = retriever(s3).build()) {
        List<ObjectInfo> listed = new ArrayList<>();
        retriever.list(BUCKET, PREFIX).forEach(listed::add);
        assertThat(listed).extracting(ObjectInfo::key).containsExactlyInAnyOrderElementsOf(keys);
        // Each listed key names its object: GET it by that key, bytes checked.
        var download =
            retriever.toMemory(
                DownloadRequest.keys(
                    BUCKET, listed.stream().map(ObjectInfo::key).sorted().toList()));
        List<ObjectBytes> got = assertTimeoutPreemptively(LIMIT, download::objects);
        objects.sort((a, b) -> a.key().compareTo(b.key()));
        assertAll(got, objects);
      }
    }
  }

  @Test
  void folderMarker_becomesAnEmptyDirectory(@TempDir Path dir) throws Exception {
    try (LocalS3 s3 = start(Faults.none())) {
      List<TestObject> objects = fill(s3);
      s3.put(BUCKET, PREFIX + "empty/", new byte[0]);
      s3.put(BUCKET, PREFIX + "k05.bin.d/", new byte[0]);
      try (Retriever retriever = retriever(s3).build()) {
        DownloadSummary summary =
            assertTimeoutPreemptively(
                LIMIT,
                () -> retriever.toDirectory(DownloadRequest.prefix(BUCKET, PREFIX), dir).await());
        assertThat(summary.objects()).isEqualTo(OBJECTS);
      }
      assertThat(assertFilesRight(dir, objects)).isEqualTo(OBJECTS);
      for (String folder : List.of("empty", "k05.bin.d")) {
        assertThat(dir.resolve(folder)).isDirectory();
        try (Stream<Path> inside = Files.list(dir.resolve(folder))) {
          assertThat(inside).isEmpty();
        }
      }
    }
  }

  @Test
  void folderMarker_inMemory_isNamedAsSkipped() throws Exception {
    try (LocalS3 s3 = start(Faults.none())) {
      List<TestObject> objects = fill(s3);
      s3.put(BUCKET, PREFIX + "empty/", new byte[0]);
      RecordingListener recorder = new RecordingListener();
      try (Retriever retriever = retriever(s3).addListener(recorder).build()) {
        var download = retriever.toMemory(DownloadRequest.prefix(BUCKET, PREFIX));
        assertTimeoutPreemptively(LIMIT, download::await);
        assertAll(download.objects(), objects);
      }
      recorder.assertConsistent();
      assertThat(recorder.events(ObjectSkipped.class))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.object().key()).isEqualTo(PREFIX + "empty/");
                assertThat(e.reason()).contains("folder marker");
              });
    }
  }
}
