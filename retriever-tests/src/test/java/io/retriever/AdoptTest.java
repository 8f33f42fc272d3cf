package io.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.RetrieverException.Reason;
import io.retriever.testkit.Faults;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Retriever#adopt}: a file assembled outside a download is checked by what the store keeps
 * for the object, then marked and moved into place, or refused and, when its bytes are wrong,
 * deleted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdoptTest {
  private static final String BUCKET = "adopt";
  private LocalS3 s3;
  private Retriever retriever;

  @BeforeAll
  void start() {
    s3 = LocalS3.builder().faults(Faults.none().listChecksums("CRC64NVME")).start();
    s3.createBucket(BUCKET);
    retriever = s3.retriever().build();
  }

  @AfterAll
  void stop() throws Exception {
    retriever.close();
    s3.close();
  }

  @Test
  void plainObject_checkedByItsMd5AndPlacedCurrent(@TempDir Path dir) throws IOException {
    TestObject o = s3.putRandom(BUCKET, "plain.bin", 300_001);
    Path assembled = fetch(o, dir);
    Path target = dir.resolve("plain.bin");

    assertThat(retriever.adopt(info(o), assembled, target, false)).contains("MD5");

    assertThat(TestData.sha256(target)).isEqualTo(o.sha256());
    assertThat(assembled).doesNotExist();
    assertThat(retriever.isCurrent(target, info(o))).isTrue();
  }

  @Test
  void objectWithAFullChecksum_checkedByIt(@TempDir Path dir) throws IOException {
    TestObject o = s3.putRandomWithChecksum(BUCKET, "nvme.bin", 70_000, "CRC64NVME");
    Path target = dir.resolve("nvme.bin");

    assertThat(retriever.adopt(info(o), fetch(o, dir), target, false)).contains("CRC64NVME");
    assertThat(TestData.sha256(target)).isEqualTo(o.sha256());
  }

  @Test
  void multipartObject_checkedByEachPartsCrc(@TempDir Path dir) throws IOException {
    TestObject o = s3.putRandomMultipart(BUCKET, "parts.bin", 250_000, 100_000, "CRC32C");
    Path target = dir.resolve("parts.bin");

    assertThat(retriever.adopt(info(o), fetch(o, dir), target, false))
        .contains("CRC32C of each part");
    assertThat(TestData.sha256(target)).isEqualTo(o.sha256());
  }

  @Test
  void oneWrongByte_corruptAndDeletedNothingPlaced(@TempDir Path dir) throws IOException {
    TestObject o = s3.putRandom(BUCKET, "flip.bin", 4096);
    Path assembled = fetch(o, dir);
    byte[] bytes = Files.readAllBytes(assembled);
    bytes[1234] ^= 1;
    Files.write(assembled, bytes);
    Path target = dir.resolve("flip.bin");

    assertThatThrownBy(() -> retriever.adopt(info(o), assembled, target, false))
        .isInstanceOfSatisfying(
            RetrieverException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
        .hasMessageContaining("s3://adopt/flip.bin does not match its MD5");
    assertThat(assembled).doesNotExist();
    assertThat(target).doesNotExist();
  }

  @Test
  void shortFile_corrupt(@TempDir Path dir) throws IOException {
    TestObject o = s3.putRandom(BUCKET, "short.bin", 4096);
    Path assembled = fetch(o, dir);
    Files.write(assembled, new byte[4095]);

    assertThatThrownBy(() -> retriever.adopt(info(o), assembled, dir.resolve("short.bin"), false))
        .isInstanceOfSatisfying(
            RetrieverException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
        .hasMessageContaining("size");
  }

  @Test
  void objectReplacedSince_changedNothingPlaced(@TempDir Path dir) throws IOException {
    TestObject o = s3.putRandom(BUCKET, "moving.bin", 2048);
    ObjectInfo before = info(o);
    Path assembled = fetch(o, dir);
    s3.putRandom(BUCKET, "moving.bin", 2049);
    Path target = dir.resolve("moving.bin");

    assertThatThrownBy(() -> retriever.adopt(before, assembled, target, false))
        .isInstanceOfSatisfying(
            RetrieverException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CHANGED));
    assertThat(target).doesNotExist();
  }

  @Test
  void someoneElsesFileInTheWay_refusedUnlessOverwriting(@TempDir Path dir) throws IOException {
    TestObject o = s3.putRandom(BUCKET, "mine.bin", 1000);
    Path assembled = fetch(o, dir);
    Path target = dir.resolve("mine.bin");
    Files.writeString(target, "not an object");

    assertThatThrownBy(() -> retriever.adopt(info(o), assembled, target, false))
        .isInstanceOfSatisfying(
            RetrieverException.class, e -> assertThat(e.reason()).isEqualTo(Reason.LOCAL_IO))
        .hasMessageContaining("allow overwriting");
    assertThat(Files.readString(target)).isEqualTo("not an object");

    assertThat(retriever.adopt(info(o), assembled, target, true)).contains("MD5");
    assertThat(TestData.sha256(target)).isEqualTo(o.sha256());
  }

  /** Returns the object as a listing describes it. */
  private ObjectInfo info(TestObject o) {
    return StreamSupport.stream(retriever.list(BUCKET, o.key()).spliterator(), false)
        .filter(i -> i.key().equals(o.key()))
        .findFirst()
        .orElseThrow();
  }

  /** Returns a file holding the object's bytes, fetched with a plain GET. */
  private Path fetch(TestObject o, Path dir) throws IOException {
    Path file = dir.resolve(o.key() + ".assembled");
    Files.write(
        file, s3.newClient().getObjectAsBytes(b -> b.bucket(BUCKET).key(o.key())).asByteArray());
    return file;
  }
}
