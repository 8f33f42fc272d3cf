package io.retriever.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.Setting;
import org.junit.jupiter.api.Test;

class FlagsTest {
  @Test
  void translate_everySetting_becomesItsFlag() {
    for (Setting setting : Setting.values()) {
      assertThat(Flags.translate("set " + setting.apiName()))
          .as(setting.name())
          .doesNotContain(setting.apiName())
          .doesNotContain("null");
    }
    assertThat(Flags.translate("give the endpoint (" + Setting.ENDPOINT.apiName() + ")"))
        .isEqualTo("give the endpoint (--endpoint-url)");
  }
}
