package io.retriever.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.ObjectDownload;
import io.retriever.ObjectInfo;
import io.retriever.Retriever;
import io.retriever.testkit.Faults;
import io.retriever.testkit.Faults.ListFault;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prefix with folders is listed folder by folder, several at once: every key arrives once, in key
 * order for ordered consumers, whatever mix of keys beside the folders, nested folders, keys that
 * need encoding, folder markers and faulty pages it holds.
 */
class FolderListingTest {
  private static final String BUCKET = "folders";
  private static final String PREFIX = "d/";
  private static final Duration LIMIT = Duration.ofSeconds(60);

  /** Stores the objects and returns them in key order (UTF-8 bytes). */
  private static List<TestObject> fill(LocalS3 s3) {
    s3.createBucket(BUCKET);
    List<String> keys = new ArrayList<>();
    keys.add("d/a.bin");
    keys.add("d/a0.bin"); // after the folder d/a/: '/' sorts before '0'
    keys.add("d/z.bin");
    for (int i = 0; i < 4; i++) {
      keys.add("d/a/" + i + ".bin");
    }
    for (int f = 0; f < 12; f++) {
      for (int i = 0; i < 9; i++) {
        keys.add(String.format("d/f%02d/k%02d.bin", f, i));
      }
    }
    keys.add("d/f03/x/y/deep.bin");
    keys.add("d/\u00fc ber+%/k.bin");
    keys.add("d/\u00fc ber+%/\u65e5\u672c.bin");
    List<TestObject> objects = new ArrayList<>();
    int n = 0;
    for (String key : keys) {
      objects.add(s3.putRandom(BUCKET, key, 100 + 13 * n++));
    }
    objects.sort(
        (x, y) ->
            Arrays.compareUnsigned(
                x.key().getBytes(StandardCharsets.UTF_8),
                y.key().getBytes(StandardCharsets.UTF_8)));
    return objects;
  }

  /** Downloads the prefix into memory and checks every object's key, order and bytes. */
  private static void inMemoryInOrder(Retriever retriever, List<TestObject> expected) {
    var download = retriever.toMemory(DownloadRequest.prefix(BUCKET, PREFIX));
    assertTimeoutPreemptively(LIMIT, download::await);
    assertThat(download.objects()).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(download.objects().get(i).object().key()).isEqualTo(expected.get(i).key());
      assertThat(TestData.sha256(download.objects().get(i).bytes()))
          .isEqualTo(expected.get(i).sha256());
    }
  }

  /** Downloads the prefix into {@code dir} and checks every expected file's size and bytes. */
  private static void downloadAndCheck(LocalS3 s3, List<TestObject> expected, Path dir)
      throws Exception {
    try (Retriever retriever = s3.retriever().concurrency(8).build()) {
      DownloadSummary summary =
          assertTimeoutPreemptively(
              LIMIT,
              () -> retriever.toDirectory(DownloadRequest.prefix(BUCKET, PREFIX), dir).await());
      assertThat(summary.objects()).isEqualTo(expected.size());
    }
    for (TestObject o : expected) {
      Path file = dir.resolve(o.key().substring(PREFIX.length()));
      assertThat(file).as(o.key()).hasSize(o.size());
      assertThat(TestData.sha256(file)).as(o.key()).isEqualTo(o.sha256());
    }
  }

  @Test
  void objects_prefixWithFolders_arriveOnceEachInKeyOrder() throws Exception {
    try (LocalS3 s3 = LocalS3.builder().listPageSize(4).start()) {
      List<TestObject> expected = fill(s3);
      List<String> keys = new ArrayList<>();
      try (Retriever retriever = s3.retriever().concurrency(8).build();
          ObjectDownload download = retriever.objects(DownloadRequest.prefix(BUCKET, PREFIX))) {
        int i = 0;
        for (ObjectDownload.Item item : download) {
          keys.add(item.object().key());
          TestObject want = expected.get(Math.min(i++, expected.size() - 1));
          try (InputStream in = item.stream()) {
            assertThat(TestData.sha256(in)).as(item.object().key()).isEqualTo(want.sha256());
          }
        }
        assertTimeoutPreemptively(LIMIT, download::await);
      }
      assertThat(keys).containsExactlyElementsOf(expected.stream().map(TestObject::key).toList());
    }
  }

  @Test
  void toDirectory_foldersAndAMarker_everyFileAndTheEmptyDirectory(@TempDir Path dir)
      throws Exception {
    try (LocalS3 s3 = LocalS3.builder().listPageSize(5).start()) {
      List<TestObject> expected = fill(s3);
      s3.put(BUCKET, "d/empty/", new byte[0]);
      downloadAndCheck(s3, expected, dir);
      assertThat(Files.isDirectory(dir.resolve("empty"))).isTrue();
    }
  }

  @Test
  void folderPages_cutOrGarbled_areFetchedAgainAndAllArrives() throws Exception {
    Faults faults =
        Faults.none()
            .listFaults(
                Map.of(
                    2,
                    ListFault.GARBLED_XML,
                    5,
                    ListFault.CUT_MID_PAGE,
                    9,
                    ListFault.TRUNCATED_BODY));
    try (LocalS3 s3 = LocalS3.builder().faults(faults).listPageSize(3).start()) {
      List<TestObject> expected = fill(s3);
      try (Retriever retriever = s3.retriever().concurrency(8).maxAttempts(3).build()) {
        inMemoryInOrder(retriever, expected);
      }
      assertThat(
              faults.injected(ListFault.GARBLED_XML)
                  + faults.injected(ListFault.CUT_MID_PAGE)
                  + faults.injected(ListFault.TRUNCATED_BODY))
          .isEqualTo(3);
    }
  }

  /** Puts {@code folders} folders of {@code perFolder} keys below {@code under}, in key order. */
  private static List<TestObject> folders(LocalS3 s3, String under, int folders, int perFolder) {
    s3.createBucket(BUCKET);
    List<TestObject> objects = new ArrayList<>();
    for (int f = 0; f < folders; f++) {
      for (int i = 0; i < perFolder; i++) {
        objects.add(s3.putRandom(BUCKET, String.format("%sf%03d/k%02d", under, f, i), 1 + f + i));
      }
    }
    return objects;
  }

  @Test
  void manySmallFolders_restIsListedInOneListing_everyKeyOnceInOrder() throws Exception {
    try (LocalS3 s3 = LocalS3.start()) {
      List<TestObject> expected = folders(s3, PREFIX, 60, 2);
      long lists = s3.listRequests();
      try (Retriever retriever = s3.retriever().concurrency(8).build()) {
        inMemoryInOrder(retriever, expected);
      }
      // The delimiter listing, the first folders one by one, then one listing for the rest:
      // far fewer than one request per folder.
      assertThat(s3.listRequests() - lists).isLessThanOrEqualTo(1 + 3 * 8 + 1);
    }
  }

  @Test
  void loneFolder_isLookedInto_andItsFoldersListedOneByOne(@TempDir Path dir) throws Exception {
    try (LocalS3 s3 = LocalS3.start()) {
      List<TestObject> expected = folders(s3, PREFIX + "only/", 10, 150);
      long lists = s3.listRequests();
      downloadAndCheck(s3, expected, dir);
      // "d/" with the delimiter, "d/only/" with it, then each of its ten folders.
      assertThat(s3.listRequests() - lists).isEqualTo(2 + 10);
    }
  }

  @Test
  void list_afterAKey_everyLaterKeyOnceInOrderAcrossPages() throws Exception {
    try (LocalS3 s3 = LocalS3.builder().listPageSize(3).start()) {
      List<TestObject> expected = fill(s3);
      String after = expected.get(4).key();
      List<String> keys = new ArrayList<>();
      try (Retriever retriever = s3.retriever().build()) {
        for (ObjectInfo o : retriever.list(BUCKET, PREFIX, after)) {
          keys.add(o.key());
        }
      }
      assertThat(keys)
          .containsExactlyElementsOf(
              expected.subList(5, expected.size()).stream().map(TestObject::key).toList());
    }
  }

  @Test
  void manySmallFoldersOverManyPages_restListedAfterTheLastKey_everyKeyOnce() throws Exception {
    try (LocalS3 s3 = LocalS3.builder().listPageSize(7).start()) {
      List<TestObject> expected = folders(s3, PREFIX, 40, 2);
      try (Retriever retriever = s3.retriever().concurrency(8).build()) {
        inMemoryInOrder(retriever, expected);
      }
    }
  }
}
