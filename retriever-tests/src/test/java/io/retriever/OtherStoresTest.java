package io.retriever;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.MotoServer;
import io.retriever.testkit.TestData;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Stores other than S3Proxy state checksums their own way: moto's server gives a multipart upload's
 * checksum of its parts' checksums without the {@code -N} suffix and without a checksum type. Good
 * bytes must never be called corrupt because of it.
 */
class OtherStoresTest {
  private static MotoServer moto;
  private static byte[] whole;

  @BeforeAll
  static void start() throws Exception {
    moto = MotoServer.start();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (S3Client client = moto.newS3Client()) {
      client.createBucket(b -> b.bucket("moto-bucket"));
      String id =
          client
              .createMultipartUpload(
                  b ->
                      b.bucket("moto-bucket")
                          .key("parts.bin")
                          .checksumAlgorithm(ChecksumAlgorithm.CRC32))
              .uploadId();
      List<CompletedPart> parts = new ArrayList<>();
      int[] sizes = {5 << 20, 1_000_000};
      for (int n = 1; n <= sizes.length; n++) {
        byte[] part = TestData.randomStream(sizes[n - 1], n).readAllBytes();
        all.write(part);
        int number = n;
        var answer =
            client.uploadPart(
                b ->
                    b.bucket("moto-bucket")
                        .key("parts.bin")
                        .uploadId(id)
                        .partNumber(number)
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32),
                RequestBody.fromBytes(part));
        parts.add(
            CompletedPart.builder()
                .partNumber(n)
                .eTag(answer.eTag())
                .checksumCRC32(answer.checksumCRC32())
                .build());
      }
      client.completeMultipartUpload(
          b ->
              b.bucket("moto-bucket")
                  .key("parts.bin")
                  .uploadId(id)
                  .multipartUpload(m -> m.parts(parts)));
    }
    whole = all.toByteArray();
  }

  @AfterAll
  static void stop() throws Exception {
    moto.close();
  }

  @ParameterizedTest
  @ValueSource(ints = {1 << 20, 5 << 20, 8 << 20})
  void motoMultipartUpload_withCrc32_isDeliveredWholeAndCheckedByItsEtag(
      int chunkSize, @TempDir Path dir) throws Exception {
    DownloadSummary summary;
    try (Retriever retriever =
        Retriever.builder()
            .endpoint(moto.endpoint())
            .region(MotoServer.REGION)
            .credentials("a", "b")
            .pathStyle(true)
            .chunkSize(chunkSize)
            .build()) {
      summary = retriever.toDirectory(DownloadRequest.prefix("moto-bucket", ""), dir).await();
    }
    assertThat(TestData.sha256(dir.resolve("parts.bin"))).isEqualTo(TestData.sha256(whole));
    // moto keeps no per-part checksums to check against, but its ETag is the MD5 of the parts'
    // MD5s, as S3's is.
    assertThat(summary.objectsUnverified()).isZero();
  }
}
