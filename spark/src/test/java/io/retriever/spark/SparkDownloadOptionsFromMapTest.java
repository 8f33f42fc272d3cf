package io.retriever.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.Test;

/** {@link SparkDownloadOptions#fromMap}: the options as Spark's {@code option(...)} gives them. */
class SparkDownloadOptionsFromMapTest {
  @Test
  void fromMap_empty_defaults() {
    assertThat(SparkDownloadOptions.fromMap(Map.of())).isEqualTo(SparkDownloadOptions.defaults());
  }

  @Test
  void fromMap_everyOptionInAnyCase_sameAsBuilder() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("ENDPOINT", "http://127.0.0.1:9000");
    values.put("region", "eu-west-1");
    values.put("PathStyle", "true");
    values.put("accesskeyid", "AKID");
    values.put("secretAccessKey", "SECRET");
    values.put("concurrency", "12");
    values.put("chunkSize", "4MiB");
    values.put("maxInFlightBytes", "1GiB");
    values.put("include", "*.jpg, *.png");
    values.put("exclude", "*");
    values.put("overwrite", "TRUE");
    values.put("unitsPerSlot", "5");

    SparkDownloadOptions options =
        SparkDownloadOptions.fromMap(new CaseInsensitiveStringMap(values));

    assertThat(options)
        .isEqualTo(
            SparkDownloadOptions.builder()
                .endpoint(java.net.URI.create("http://127.0.0.1:9000"))
                .region("eu-west-1")
                .pathStyle(true)
                .credentials("AKID", "SECRET")
                .concurrency(12)
                .chunkSize(4L << 20)
                .maxInFlightBytes(1L << 30)
                // Excludes first, whatever the map's order: include wins where both match.
                .exclude("*")
                .include("*.jpg")
                .include("*.png")
                .overwrite(true)
                .unitsPerSlot(5)
                .build());
    assertThat(options.filter().accepts("a.jpg")).isTrue();
    assertThat(options.filter().accepts("a.txt")).isFalse();
  }

  @Test
  void fromMap_anonymous_unsignedRequests() {
    assertThat(SparkDownloadOptions.fromMap(Map.of("anonymous", "true")).anonymous()).isTrue();
  }

  @Test
  void fromMap_badValue_oneErrorNamingTheOption() {
    assertThatThrownBy(() -> SparkDownloadOptions.fromMap(Map.of("chunksize", "big")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option 'chunkSize' = 'big': 'big' is not a size (e.g. 8MiB, 512KiB, 1GiB)");
    assertThatThrownBy(() -> SparkDownloadOptions.fromMap(Map.of("concurrency", "-1")))
        .hasMessageStartingWith("option 'concurrency' = '-1': concurrency must be at least 1");
    assertThatThrownBy(() -> SparkDownloadOptions.fromMap(Map.of("pathStyle", "yes")))
        .hasMessage("option 'pathStyle' = 'yes': give true or false");
    assertThatThrownBy(() -> SparkDownloadOptions.fromMap(Map.of("endpoint", "127.0.0.1:9000")))
        .hasMessageStartingWith("option 'endpoint' = '127.0.0.1:9000': ");
  }

  @Test
  void fromMap_unknownName_listsTheOptions() {
    assertThatThrownBy(() -> SparkDownloadOptions.fromMap(Map.of("regoin", "us-east-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown option 'regoin'; the options are endpoint, region,");
  }

  @Test
  void fromMap_keyWithoutSecret_refused() {
    assertThatThrownBy(() -> SparkDownloadOptions.fromMap(Map.of("accessKeyId", "AKID")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'accessKeyId' and 'secretAccessKey' go together");
    assertThatThrownBy(
            () ->
                SparkDownloadOptions.fromMap(
                    Map.of("accessKeyId", "A", "secretAccessKey", "S", "anonymous", "true")))
        .hasMessageContaining("choose one");
  }

  @Test
  void toString_fromMap_neverShowsTheSecret() {
    SparkDownloadOptions options =
        SparkDownloadOptions.fromMap(Map.of("accessKeyId", "AKID", "secretAccessKey", "SECRET"));

    assertThat(options.toString()).contains("AKID").doesNotContain("SECRET");
  }
}
