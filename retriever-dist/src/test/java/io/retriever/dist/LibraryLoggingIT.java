package io.retriever.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.dist.Processes.Result;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program using the library, with the SLF4J binding the README names (slf4j-simple, which prints
 * INFO and above to stderr), prints nothing of its own logging while a download goes well; without
 * a binding, SLF4J's one warning is what the README says it is.
 */
@ExtendWith(LocalS3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LibraryLoggingIT {
  private static final String PROVIDER = "META-INF/services/org.slf4j.spi.SLF4JServiceProvider";
  private static final Path BINDING = Path.of(System.getProperty("retriever.slf4j.binding"));

  private LocalS3 s3;
  private List<TestObject> objects;

  @BeforeAll
  void fill(LocalS3 s3) {
    this.s3 = s3;
    s3.createBucket("lib");
    objects = new ArrayList<>(s3.putMany("lib", 20, 30_000, i -> "set/" + i + ".bin"));
    objects.add(s3.putRandom("lib", "set/big.bin", 20L << 20));
  }

  @Test
  void readme_namesTheBindingThisTestUses() throws Exception {
    String name = BINDING.getFileName().toString(); // slf4j-simple-VERSION.jar
    String version = name.substring("slf4j-simple-".length(), name.length() - ".jar".length());
    Path readme = Path.of(System.getProperty("retriever.root"), "README.md");
    assertThat(Files.readString(readme)).contains("`org.slf4j:slf4j-simple:" + version + "`");
  }

  @Test
  void download_withTheReadmesBinding_logsNothing(@TempDir Path dir) throws Exception {
    assertThat(BINDING).isRegularFile();
    Result r = program(dir, BINDING.toString());

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout().strip()).isEqualTo(objects.size() + " objects");
    assertThat(r.stderr()).isEmpty();
    for (TestObject o : objects) {
      Path file = dir.resolve("out").resolve(o.key().substring("set/".length()));
      assertThat(Files.size(file)).isEqualTo(o.size());
      assertThat(TestData.sha256(file)).isEqualTo(o.sha256());
    }
  }

  @Test
  void download_withoutABinding_getsSlf4jsOneWarning(@TempDir Path dir) throws Exception {
    Result r = program(dir, null);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).contains("No SLF4J providers were found");
    assertThat(r.stderr().lines()).allSatisfy(line -> assertThat(line).startsWith("SLF4J(W): "));
  }

  /** Runs {@link LibraryProgram} on the library's class path with {@code binding}, if any. */
  private Result program(Path dir, String binding) throws Exception {
    List<String> classPath = new ArrayList<>();
    for (String entry :
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
            .split(File.pathSeparator)) {
      if (!providesABinding(Path.of(entry))) {
        classPath.add(entry);
      }
    }
    if (binding != null) {
      classPath.add(binding);
    }
    return Processes.run(
        Processes.fresh(
            dir,
            dir,
            null,
            Map.of(),
            Path.of(Processes.JAVA_HOME, "bin", "java").toString(),
            "-cp",
            String.join(File.pathSeparator, classPath),
            LibraryProgram.class.getName(),
            s3.endpoint().toString(),
            s3.accessKey(),
            s3.secretKey(),
            "lib",
            "set/",
            dir.resolve("out").toString()),
        120);
  }

  /** Returns whether a class path entry holds an SLF4J binding (Logback's, the testkit's). */
  private static boolean providesABinding(Path entry) throws IOException {
    if (Files.isDirectory(entry)) {
      return Files.exists(entry.resolve(PROVIDER));
    }
    if (!Files.isRegularFile(entry)) {
      return false;
    }
    try (JarFile jar = new JarFile(entry.toFile())) {
      return jar.getEntry(PROVIDER) != null;
    }
  }
}
