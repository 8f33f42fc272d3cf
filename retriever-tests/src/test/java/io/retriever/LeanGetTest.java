package io.retriever;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.Faults;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GETs of object bytes go out signed by the SDK's signer straight on its HTTP client: keys that
 * need encoding are fetched with one signed GET each: a refused signature would show as a second
 * GET, sent again by the S3 client. (Answers other than the bytes go to the S3 client, which the
 * fault tests see: 403, 404, 412, 503.)
 */
class LeanGetTest {
  private static final String BUCKET = "lean";

  @Test
  void keysThatNeedEncoding_oneGetEach_bytesIntact() throws Exception {
    List<String> keys =
        List.of(
            "plain.bin",
            "with space.bin",
            "plus+sign.bin",
            "percent%41.bin",
            "\u00fcn\u00efc\u00f8d\u00e9/\u65e5\u672c\u8a9e.bin",
            "a=b&c.bin",
            "tilde~star*.bin",
            "semi;colon,comma.bin",
            "quote'paren(1).bin",
            "dollar$at@.bin",
            "question?hash#.bin",
            "nested/deeper/still/leaf.bin");
    Faults seen = Faults.none();
    try (LocalS3 s3 = LocalS3.builder().faults(seen).start()) {
      s3.createBucket(BUCKET);
      List<TestObject> objects = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        objects.add(s3.putRandom(BUCKET, keys.get(i), 1 + 997L * i));
      }
      long gets = seen.objectGets();
      try (Retriever retriever = s3.retriever().build()) {
        for (TestObject o : objects) {
          ObjectBytes got =
              retriever.toMemory(DownloadRequest.key(BUCKET, o.key())).objects().get(0);
          assertThat(got.bytes().length).as(o.key()).isEqualTo(o.size());
          assertThat(TestData.sha256(got.bytes())).as(o.key()).isEqualTo(o.sha256());
        }
      }
      // Every GET the server saw, signed right or not.
      assertThat(seen.objectGets() - gets).isEqualTo(keys.size());
    }
  }
}
