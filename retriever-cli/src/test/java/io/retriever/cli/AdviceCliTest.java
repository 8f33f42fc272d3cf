package io.retriever.cli;

import static io.retriever.cli.Cli.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestFiles;
import io.retriever.testkit.TestObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source that matches nothing is said so, with exit 1 as {@code aws s3 ls} and s5cmd give; every
 * command a message suggests works when pasted, with the user's own endpoint and options; a file
 * changed since its download is named as changed, and the advice is {@code --overwrite}, not a
 * rerun that would fail the same way.
 */
@ExtendWith(LocalS3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdviceCliTest {
  private static final String HINT = "; to see what is there: ";
  private LocalS3 s3;
  private final List<TestObject> tree = new ArrayList<>();

  @BeforeAll
  void fill(LocalS3 s3) {
    this.s3 = s3;
    s3.createBucket("advice");
    for (String key :
        List.of(
            "tree/a1/b1/f001",
            "tree/a1/b1/g001",
            "tree/a1/b2/f002",
            "tree/a2/b1/f003",
            "top.bin")) {
      tree.add(s3.putRandom("advice", key, 3000 + tree.size()));
    }
  }

  @Test
  void get_prefixMatchingNothing_saysSoOnStderr_exit1_noDestinationCreated(@TempDir Path dir)
      throws Exception {
    Path dest = dir.resolve("x");
    Cli.Result r = Cli.run(s3, at(s3, "get", "s3://advice/no-such-prefix/", dest.toString()));

    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.stderr().strip())
        .isEqualTo(
            "retriever: no objects under s3://advice/no-such-prefix/"
                + HINT
                + "retriever ls s3://advice/ "
                + storeOptions());
    assertThat(dest).doesNotExist();
    assertHintWorks(r.stderr(), "top.bin");
  }

  @Test
  void get_patternMatchingNothing_namesThePatternAndListsItsFolder(@TempDir Path dir)
      throws Exception {
    Path dest = dir.resolve("deep/x");
    Cli.Result r =
        Cli.run(s3, at(s3, "get", "s3://advice/tree/a1/*/nothing*", dest.toString(), "--json"));

    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
    assertThat(r.stderr().strip())
        .isEqualTo(
            "retriever: no object matches s3://advice/tree/a1/*/nothing*"
                + HINT
                + "retriever ls s3://advice/tree/a1/ "
                + storeOptions());
    assertThat(dir.resolve("deep")).doesNotExist();
  }

  @Test
  void get_filtersLeavingNothing_sayTheRulesLeftNothing(@TempDir Path dir) throws Exception {
    Cli.Result r =
        Cli.run(
            s3, at(s3, "get", "s3://advice/tree/", dir.resolve("x").toString(), "--exclude", "*"));

    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
    assertThat(r.stderr().strip())
        .startsWith(
            "retriever: no object under s3://advice/tree/ passes the --include/--exclude rules"
                + HINT
                + "retriever ls s3://advice/tree/ ");
  }

  @Test
  void ls_takesTheSamePatternsAsGet(@TempDir Path dir) throws Exception {
    String pattern = "s3://advice/tree/a1/*/f00*";
    Cli.Result ls = Cli.run(s3, at(s3, "ls", pattern));
    Cli.Result get = Cli.run(s3, at(s3, "get", pattern, dir.toString(), "-q"));

    assertThat(ls.exitCode()).as(ls.stderr()).isZero();
    assertThat(ls.out().lines().map(line -> line.substring(line.lastIndexOf(' ') + 1)))
        .containsExactly("tree/a1/b1/f001", "tree/a1/b2/f002");
    assertThat(get.exitCode()).as(get.stderr()).isZero();
    assertThat(TestFiles.regularFiles(dir)).containsExactly("b1/f001", "b2/f002");
    for (TestObject o : tree.subList(0, 3)) {
      if (o.key().contains("/f00")) {
        Path file = dir.resolve(o.key().substring("tree/a1/".length()));
        assertThat(Files.size(file)).isEqualTo(o.size());
        assertThat(TestData.sha256(file)).isEqualTo(o.sha256());
      }
    }
    Cli.Result summary = Cli.run(s3, at(s3, "ls", "s3://advice/tree/a2/", "--summarize"));
    assertThat(summary.out().lines()).last().isEqualTo("Total: 1 object, 2.9 KiB");
  }

  @Test
  void ls_ofAMissingPrefixOrAnEmptyPattern_exit1WithTheListingToTry() throws Exception {
    Cli.Result missing = Cli.run(s3, at(s3, "ls", "s3://advice/tree/a3/"));
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.out()).isEmpty();
    assertThat(missing.stderr().strip())
        .isEqualTo(
            "retriever: no objects under s3://advice/tree/a3/"
                + HINT
                + "retriever ls s3://advice/tree/ "
                + storeOptions());

    Cli.Result pattern = Cli.run(s3, at(s3, "ls", "s3://advice/tree/*/z*"));
    assertThat(pattern.exitCode()).isEqualTo(1);
    assertThat(pattern.stderr().strip())
        .startsWith("retriever: no object matches s3://advice/tree/*/z*" + HINT)
        .contains("retriever ls s3://advice/tree/ --endpoint-url ");
  }

  @Test
  void get_missingKey_suggestsAListingWithTheUsersOwnOptions(@TempDir Path dir) throws Exception {
    Cli.Result r = Cli.run(s3, at(s3, "get", "s3://advice/tree/a1/b1/nope", dir.toString()));

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr().strip())
        .isEqualTo(
            "retriever: no object or prefix at s3://advice/tree/a1/b1/nope; check the key"
                + HINT
                + "retriever ls s3://advice/tree/a1/b1/ "
                + storeOptions());
    assertHintWorks(r.stderr(), "tree/a1/b1/f001");
  }

  @Test
  void rerunAfterLocalEdits_namesTheChangedFiles_andAdvisesOverwrite(@TempDir Path dir)
      throws Exception {
    Path dest = dir.resolve("t");
    Cli.Result first = Cli.run(s3, at(s3, "get", "s3://advice/tree/", dest.toString(), "-q"));
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    Path one = dest.resolve("a1/b1/f001");
    Path two = dest.resolve("a2/b1/f003");
    Files.writeString(one, "edited");
    Files.writeString(two, "edited too");

    Cli.Result rerun = Cli.run(s3, at(s3, "get", "s3://advice/tree/", dest.toString()));

    assertThat(rerun.exitCode()).isEqualTo(1);
    List<String> lines = rerun.stderr().strip().lines().toList();
    assertThat(lines)
        .contains(
            "retriever: failed: "
                + one
                + " was changed locally since Retriever downloaded s3://advice/tree/a1/b1/f001 to"
                + " it, so it is kept; overwriting (--overwrite) replaces it",
            "retriever: failed: "
                + two
                + " was changed locally since Retriever downloaded s3://advice/tree/a2/b1/f003 to"
                + " it, so it is kept; overwriting (--overwrite) replaces it");
    assertThat(lines)
        .last()
        .isEqualTo(
            "retriever: 2 of 4 objects failed (each is named above); their files are kept: rerun"
                + " with --overwrite to replace them");
    assertThat(rerun.stderr()).doesNotContain("rerun the command");
    assertThat(one).hasContent("edited");

    Cli.Result overwrite =
        Cli.run(s3, at(s3, "get", "s3://advice/tree/", dest.toString(), "--overwrite"));
    assertThat(overwrite.exitCode()).as(overwrite.stderr()).isZero();
    for (TestObject o : tree.subList(0, 4)) {
      Path file = dest.resolve(o.key().substring("tree/".length()));
      assertThat(Files.size(file)).isEqualTo(o.size());
      assertThat(TestData.sha256(file)).isEqualTo(o.sha256());
    }
  }

  /** Returns the options by which the tests point the command at the store, as hints give them. */
  private String storeOptions() {
    return "--endpoint-url " + s3.endpoint() + " --region " + s3.region() + " --path-style";
  }

  /**
   * Runs the command that a message suggests, word for word as it would be pasted, and checks that
   * it lists {@code key}.
   */
  private void assertHintWorks(String stderr, String key) throws Exception {
    String line = stderr.strip();
    String command = line.substring(line.indexOf(HINT) + HINT.length());
    List<String> words = Arrays.asList(command.split(" "));
    assertThat(words.get(0)).isEqualTo("retriever");
    Cli.Result r = Cli.run(s3, words.subList(1, words.size()).toArray(String[]::new));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.out()).contains(" " + key + "\n");
  }
}
