package io.retriever.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.Retriever;
import io.retriever.hook.DownloadCache;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** One cache directory shared by two processes downloading the same objects at once. */
@ExtendWith(LocalS3Extension.class)
class CacheProcessesTest {
  private static final int ROUNDS = 3;

  @Test
  void twoProcessesAtOnce_everyFileByteExactAndTheCacheConsistent(LocalS3 s3, @TempDir Path dir)
      throws Exception {
    s3.createBucket("shared-procs");
    Map<String, TestObject> objects = new LinkedHashMap<>();
    for (TestObject o : s3.putMany("shared-procs", 60, 20_000, i -> "dir/small-" + i)) {
      objects.put(o.key(), o);
    }
    for (int size : HookFixtures.SIZES) {
      TestObject o = s3.putRandom("shared-procs", "dir/size-" + size + ".bin", size);
      objects.put(o.key(), o);
    }
    Path cacheDir = dir.resolve("cache");

    List<Process> children = new ArrayList<>();
    try {
      for (String name : List.of("a", "b")) {
        children.add(start(s3, dir.resolve(name), cacheDir, dir.resolve(name + ".log")));
      }
      // Both wait at the start line, so their downloads overlap from the first request.
      for (Process child : children) {
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("ready");
      }
      for (Process child : children) {
        OutputStream in = child.getOutputStream();
        in.write("go\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
      }
      for (Process child : children) {
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
        assertThat(child.exitValue()).as(() -> log(dir, children.indexOf(child))).isZero();
      }
    } finally {
      children.forEach(Process::destroyForcibly);
    }

    for (String name : List.of("a", "b")) {
      for (int round = 1; round <= ROUNDS; round++) {
        HookFixtures.assertFiles(dir.resolve(name).resolve("round-" + round), objects);
      }
    }
    // Every entry is whole and is one of the objects; nothing is left on its way in.
    Set<String> hashes =
        objects.values().stream().map(TestObject::sha256).collect(Collectors.toSet());
    try (Stream<Path> entries = Files.list(cacheDir.resolve("objects"))) {
      List<Path> all = entries.toList();
      assertThat(all).hasSize(objects.size());
      for (Path entry : all) {
        assertThat(TestData.sha256(entry)).as(entry.toString()).isIn(hashes);
      }
    }
    try (Stream<Path> tmp = Files.list(cacheDir.resolve("tmp"))) {
      assertThat(tmp).isEmpty();
    }
    // And the cache serves all of it, right, without a GET.
    long gets = s3.getRequests();
    DownloadCache cache = DownloadCache.open(cacheDir, 1L << 30);
    DownloadSummary summary;
    try (Retriever retriever = HookFixtures.retriever(s3).cache(cache).build()) {
      summary =
          retriever
              .toDirectory(DownloadRequest.prefix("shared-procs", "dir/"), dir.resolve("after"))
              .await();
    }
    assertThat(s3.getRequests()).isEqualTo(gets);
    assertThat(summary.bytesFetched()).isZero();
    assertThat(cache.hits()).isEqualTo(objects.size());
    HookFixtures.assertFiles(dir.resolve("after"), objects);
  }

  private static Process start(LocalS3 s3, Path dest, Path cacheDir, Path log) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        List.of(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            CacheChild.class.getName(),
            s3.endpoint().toString(),
            s3.region(),
            s3.accessKey(),
            s3.secretKey(),
            "shared-procs",
            "dir/",
            dest.toString(),
            cacheDir.toString(),
            Integer.toString(ROUNDS));
    return new ProcessBuilder(command).redirectError(log.toFile()).start();
  }

  private static String log(Path dir, int child) {
    try {
      return Files.readString(dir.resolve((child == 0 ? "a" : "b") + ".log"));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
