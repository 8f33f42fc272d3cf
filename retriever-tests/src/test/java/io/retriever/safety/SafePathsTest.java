package io.retriever.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.DownloadRequest;
import io.retriever.IncompleteDownloadException;
import io.retriever.ObjectInfo;
import io.retriever.Retriever;
import io.retriever.event.ObjectFailed;
import io.retriever.hook.ObjectLister;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile keys never write outside the destination: each is refused with an error naming it, and
 * the rest of the download goes on. The keys come from a lister of the test's own, since S3 (and
 * S3Proxy) would not store some of them; a real bucket can hold every one.
 */
@ExtendWith(LocalS3Extension.class)
class SafePathsTest {
  private static Retriever.Builder retriever(LocalS3 s3) {
    return s3.retriever();
  }

  /** Lists the good object, then the hostile key (served with the good object's bytes). */
  private static ObjectLister listing(ObjectInfo good, String hostile) {
    return (request, out) -> {
      out.add(good);
      out.add(new ObjectInfo(good.bucket(), hostile, good.size(), good.eTag(), null));
    };
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../escape.bin",
        "data/../../escape.bin",
        "data/..",
        "/etc/escape.bin",
        "data\\..\\escape.bin",
        "data/./x.bin",
        "data//x.bin",
        "data/nul\u0000.bin",
        "data/bell\u0007.bin",
        "data/newline\n.bin",
        "data/folder/",
      })
  void hostileKey_isRefusedByName_andTheRestGoesOn(String hostile, LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("hostile");
    TestObject good = s3.putRandom("hostile", "data/good.bin", 1000);
    Path dest = dir.resolve("dest");
    ObjectInfo goodInfo;
    try (Retriever plain = retriever(s3).build()) {
      goodInfo = plain.stat("hostile", "data/good.bin").orElseThrow();
    }
    try (Retriever retriever = retriever(s3).lister(listing(goodInfo, hostile)).build()) {
      assertThatThrownBy(
              () -> retriever.toDirectory(DownloadRequest.prefix("hostile", ""), dest).await())
          .isInstanceOfSatisfying(
              IncompleteDownloadException.class,
              e -> {
                ObjectFailed f = e.failures().get(0);
                assertThat(f.object().key()).isEqualTo(hostile);
                assertThat(f.error().getMessage())
                    .startsWith("refusing key '")
                    .doesNotContain("\n");
                assertThat(e.summary().objects()).isEqualTo(1);
              });
    }
    assertThat(TestData.sha256(dest.resolve("data/good.bin"))).isEqualTo(good.sha256());
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()))
          .containsExactly("dest/data/good.bin");
    }
  }

  @Test
  void nameLongerThanTheFileSystemAllows_isRefused(LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("longname");
    TestObject good = s3.putRandom("longname", "ok.bin", 10);
    ObjectInfo info;
    try (Retriever plain = retriever(s3).build()) {
      info = plain.stat("longname", "ok.bin").orElseThrow();
    }
    String hostile = "x".repeat(300) + ".bin";
    try (Retriever retriever = retriever(s3).lister(listing(info, hostile)).build()) {
      assertThatThrownBy(
              () -> retriever.toDirectory(DownloadRequest.prefix("longname", ""), dir).await())
          .isInstanceOf(IncompleteDownloadException.class)
          .hasMessageContaining("longer than 255 bytes");
    }
    assertThat(TestData.sha256(dir.resolve("ok.bin"))).isEqualTo(good.sha256());
  }

  @Test
  void symbolicLinkInsideTheDestination_isNotFollowedOut(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("links");
    s3.putRandom("links", "out/secret.bin", 100);
    TestObject inside = s3.putRandom("links", "in/fine.bin", 100);
    Path dest = dir.resolve("dest");
    Path outside = dir.resolve("outside");
    Files.createDirectories(dest);
    Files.createDirectories(outside);
    Files.createSymbolicLink(dest.resolve("out"), outside);
    try (Retriever retriever = retriever(s3).build()) {
      assertThatThrownBy(
              () -> retriever.toDirectory(DownloadRequest.prefix("links", ""), dest).await())
          .isInstanceOf(IncompleteDownloadException.class)
          .hasMessageContaining("symbolic link")
          .hasMessageContaining("out/secret.bin");
    }
    try (Stream<Path> files = Files.list(outside)) {
      assertThat(files).isEmpty();
    }
    assertThat(TestData.sha256(dest.resolve("in/fine.bin"))).isEqualTo(inside.sha256());
  }

  @Test
  void keyBesideItsOwnPrefix_isAConflict_andNothingIsLost(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("conflict");
    TestObject a = s3.putRandom("conflict", "a", 100);
    s3.putRandom("conflict", "a/b", 100);
    TestObject c = s3.putRandom("conflict", "c", 100);
    try (Retriever retriever = retriever(s3).build()) {
      assertThatThrownBy(
              () -> retriever.toDirectory(DownloadRequest.prefix("conflict", ""), dir).await())
          .isInstanceOfSatisfying(
              IncompleteDownloadException.class,
              e -> {
                assertThat(e.failures())
                    .singleElement()
                    .satisfies(f -> assertThat(f.object().key()).isEqualTo("a/b"));
                assertThat(e.getMessage()).contains("keys 'a' and 'a/b' cannot both be files");
              });
    }
    assertThat(TestData.sha256(dir.resolve("a"))).isEqualTo(a.sha256());
    assertThat(TestData.sha256(dir.resolve("c"))).isEqualTo(c.sha256());
  }

  @Test
  void temporaryFiles_areOwnerOnly_completeFilesGetTheUsualPermissions(
      LocalS3 s3, @TempDir Path dir) throws Exception {
    s3.createBucket("perms");
    s3.putRandom("perms", "p.bin", 3 << 20);
    List<Set<PosixFilePermission>> seen = new ArrayList<>();
    Path dest = dir.resolve("dest");
    try (Retriever retriever =
        retriever(s3)
            .chunkSize(64 << 10)
            .concurrency(1)
            .addListener(
                new io.retriever.DownloadListener() {
                  @Override
                  public void chunkCompleted(io.retriever.event.ChunkCompleted e) {
                    if (e.task().index() == 0) {
                      try (Stream<Path> files = Files.list(dest)) {
                        for (Path p : files.toList()) {
                          seen.add(Files.getPosixFilePermissions(p));
                        }
                      } catch (java.io.IOException x) {
                        throw new java.io.UncheckedIOException(x);
                      }
                    }
                  }
                })
            .build()) {
      retriever.toDirectory(DownloadRequest.prefix("perms", ""), dest).await();
    }
    assertThat(seen)
        .isNotEmpty()
        .allSatisfy(
            p ->
                assertThat(p)
                    .containsExactlyInAnyOrder(
                        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    Path probe = Files.createFile(dir.resolve("probe"));
    assertThat(Files.getPosixFilePermissions(dest.resolve("p.bin")))
        .isEqualTo(Files.getPosixFilePermissions(probe));
  }
}
