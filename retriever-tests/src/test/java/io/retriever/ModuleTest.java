package io.retriever;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The library's module exports its API packages, every one of them, and nothing internal. */
class ModuleTest {
  @Test
  void moduleDescriptor_exportsEveryPublicPackageAndNoInternalOne() throws Exception {
    Path core =
        Path.of(Retriever.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor module = ModuleFinder.of(core).find("io.retriever").orElseThrow().descriptor();

    Set<String> exported =
        module.exports().stream().map(Exports::source).collect(Collectors.toSet());
    Set<String> api =
        module.packages().stream()
            .filter(p -> !p.equals("io.retriever.internal"))
            .filter(p -> !p.startsWith("io.retriever.internal."))
            .collect(Collectors.toSet());
    assertThat(module.isAutomatic()).isFalse();
    assertThat(exported).isEqualTo(api).contains("io.retriever", "io.retriever.hook");
    assertThat(module.exports()).allMatch(e -> !e.isQualified());
    assertThat(module.requires())
        .filteredOn(r -> r.modifiers().contains(Requires.Modifier.TRANSITIVE))
        .extracting(Requires::name)
        .contains("software.amazon.awssdk.services.s3", "software.amazon.awssdk.auth");
  }
}
