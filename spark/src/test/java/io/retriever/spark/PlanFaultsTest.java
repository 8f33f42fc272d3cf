package io.retriever.spark;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.RetrieverException;
import io.retriever.spark.internal.DistributedDownload;
import io.retriever.testkit.Faults;
import io.retriever.testkit.Faults.ListFault;
import io.retriever.testkit.LocalS3;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The driver's delimiter listing refuses a page that repeats, reorders or strays outside the
 * prefix, with one line that names the listing, before any task runs.
 */
class PlanFaultsTest {
  @ParameterizedTest
  @EnumSource(
      value = ListFault.class,
      names = {"REPEATED_KEYS", "KEYS_BACKWARDS", "KEY_OUTSIDE_PREFIX", "TRUNCATED_WITHOUT_TOKEN"})
  void brokenSecondPage_refusedWithOneLine(ListFault fault, @TempDir Path dir) throws Exception {
    Faults faults = Faults.none().listFaults(Map.of(2, fault));
    try (LocalS3 s3 = LocalS3.builder().listPageSize(20).faults(faults).start()) {
      s3.createBucket("plan");
      s3.putMany("plan", 60, 10, i -> String.format("flat/obj-%04d", i));

      assertThatThrownBy(
              () ->
                  DistributedDownload.run(
                      SharedSpark.session(),
                      "plan",
                      "flat/",
                      SparkDestination.shared(dir),
                      SharedSpark.options(s3).build(),
                      3))
          .isInstanceOf(RetrieverException.class)
          .hasMessageStartingWith("the listing of s3://plan/flat/ is broken: ")
          .hasMessageNotContaining("\n");
    }
  }
}
