package io.retriever.internal.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.Crc64Nvme;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.Checksum;
import org.junit.jupiter.api.Test;

/** The test kit's CRC-64/NVME, which LocalS3 serves, agrees with the standard and with ours. */
class Crc64NvmeAgreementTest {
  @Test
  void testkitCrc64Nvme_checkInput_givesTheCatalogueValue() {
    Crc64Nvme crc = new Crc64Nvme();
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    crc.update(check, 0, check.length);

    assertThat(crc.getValue()).isEqualTo(0xAE8B14860A799888L);
  }

  @Test
  void testkitCrc64Nvme_randomBytes_agreesWithCrcs() {
    byte[] data = new byte[100_003];
    new Random(7).nextBytes(data);
    Crc64Nvme testkit = new Crc64Nvme();
    Checksum ours = Crcs.newChecksum("CRC64NVME");
    testkit.update(data, 0, 99_000);
    testkit.update(data[99_000]);
    testkit.update(data, 99_001, data.length - 99_001);
    ours.update(data, 0, data.length);

    assertThat(testkit.getValue()).isEqualTo(ours.getValue());
  }
}
