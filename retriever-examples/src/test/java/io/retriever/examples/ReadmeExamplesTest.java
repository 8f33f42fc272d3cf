package io.retriever.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles the Java examples of README.md's Library section against the library, so that the README
 * cannot show code that does not compile. A block that declares a class is compiled as it stands;
 * any other block is a fragment, compiled as the body of a method that may throw, with the imports
 * of {@link #FRAGMENT_IMPORTS}.
 */
class ReadmeExamplesTest {
  private static final String FRAGMENT_IMPORTS =
      "import io.retriever.*; import io.retriever.event.*; import io.retriever.hook.*;"
          + " import java.io.*; import java.net.URI; import java.nio.file.*;"
          + " import java.time.Duration; import java.util.*;";
  private static final Pattern JAVA_BLOCK =
      Pattern.compile("^```java\\n(.*?)^```$", Pattern.MULTILINE | Pattern.DOTALL);
  private static final Pattern CLASS_NAME =
      Pattern.compile("^(?:public\\s+)?(?:final\\s+)?class\\s+(\\w+)", Pattern.MULTILINE);

  /** A fenced Java block of the README: where it starts and what it holds. */
  record Block(String name, int line, String code) {}

  @Test
  void readmeLibrarySection_everyJavaBlock_compiles(@TempDir Path out) throws IOException {
    List<Block> blocks = javaBlocks(readme(), "Library");

    assertThat(blocks).as("```java blocks in README.md's Library section").isNotEmpty();
    for (Block block : blocks) {
      compile(block, out);
    }
  }

  @Test
  void compile_blockCallingNoSuchMethod_failsNamingTheBlock(@TempDir Path out) {
    Block block =
        new Block(
            "README.md, section Library, block 2", 42, "Retriever.builder().credentials(...);");

    assertThatThrownBy(() -> compile(block, out))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("README.md, section Library, block 2 (line 42) does not compile");
  }

  @Test
  void javaBlocks_sectionWithTwoBlocks_findsBothWithTheirLines() {
    String text =
        "# T\n\n## Library\n\ntext\n\n```java\nint a = 1;\n```\n\n```sh\nls\n```\n\n"
            + "```java\nclass B {}\n```\n\n## Hooks\n\n```java\nint c = 3;\n```\n";

    List<Block> blocks = javaBlocks(text, "Library");

    assertThat(blocks)
        .containsExactly(
            new Block("README.md, section Library, block 1", 8, "int a = 1;\n"),
            new Block("README.md, section Library, block 2", 16, "class B {}\n"));
  }

  private static String readme() throws IOException {
    Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    return Files.readString(module.resolveSibling("README.md"), StandardCharsets.UTF_8);
  }

  /** Returns the ```java blocks under the heading {@code ## SECTION}, up to the next heading. */
  static List<Block> javaBlocks(String markdown, String section) {
    String heading = "## " + section + "\n";
    int start = markdown.startsWith(heading) ? 0 : markdown.indexOf("\n" + heading) + 1;
    assertThat(start).as("README.md has a section '## " + section + "'").isPositive();
    int end = markdown.indexOf("\n## ", start + heading.length());
    String body = markdown.substring(start, end < 0 ? markdown.length() : end + 1);
    List<Block> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(body);
    while (m.find()) {
      int line = lineOf(markdown, start + m.start(1));
      String name = "README.md, section " + section + ", block " + (blocks.size() + 1);
      blocks.add(new Block(name, line, m.group(1)));
    }
    return blocks;
  }

  private static int lineOf(String text, int offset) {
    return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
  }

  /** Compiles one block into {@code out}, or fails naming the block and every error. */
  static void compile(Block block, Path out) throws IOException {
    Matcher declared = CLASS_NAME.matcher(block.code());
    String className;
    String source;
    if (declared.find()) {
      className = declared.group(1);
      source = block.code();
    } else {
      className = "ReadmeFragment";
      source =
          FRAGMENT_IMPORTS
              + "\nclass ReadmeFragment { static void example() throws Exception {\n"
              + block.code()
              + "\n} }\n";
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    assertThat(compiler).as("a JDK's compiler (javax.tools)").isNotNull();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Path classes = Files.createDirectories(out.resolve("block" + block.line()));
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    JavaFileObject file =
        new SimpleJavaFileObject(
            URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
          }
        };
    StringWriter output = new StringWriter();
    boolean compiled;
    try (StandardJavaFileManager files =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      compiled =
          compiler
              .getTask(
                  output,
                  files,
                  diagnostics,
                  List.of(
                      "-classpath", classPath, "-d", classes.toString(), "-proc:none", "-nowarn"),
                  null,
                  List.of(file))
              .call();
    }
    if (!compiled) {
      StringBuilder message =
          new StringBuilder(block.name() + " (line " + block.line() + ") does not compile:");
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          message
              .append("\n  block line ")
              .append(blockLine(source, block.code(), d.getLineNumber()))
              .append(": ")
              .append(d.getMessage(Locale.ROOT));
        }
      }
      throw new AssertionError(message.append(output).toString());
    }
  }

  /** Maps a line of the compiled source back to the block's own numbering (1 = first line). */
  private static long blockLine(String source, String code, long sourceLine) {
    long before = source.substring(0, source.indexOf(code)).chars().filter(c -> c == '\n').count();
    return sourceLine - before;
  }
}
