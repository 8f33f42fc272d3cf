package io.retriever.hooks;

import io.retriever.DownloadRequest;
import io.retriever.Retriever;
import io.retriever.hook.DownloadCache;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A download through a shared cache in a process of its own, for {@link CacheProcessesTest}.
 * Arguments: endpoint, region, access key, secret key, bucket, prefix, destination, cache
 * directory, rounds. Prints {@code ready}, waits for a line on stdin, then downloads the prefix
 * into {@code destination/round-N} once per round, each round through a newly opened cache.
 */
public final class CacheChild {
  private CacheChild() {}

  public static void main(String[] args) throws Exception {
    System.out.println("ready");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    int rounds = Integer.parseInt(args[8]);
    for (int round = 1; round <= rounds; round++) {
      DownloadCache cache = DownloadCache.open(Path.of(args[7]), 1L << 30);
      try (Retriever retriever =
          Retriever.builder()
              .endpoint(URI.create(args[0]))
              .region(args[1])
              .credentials(args[2], args[3])
              .pathStyle(true)
              .chunkSize(HookFixtures.CHUNK)
              .concurrency(8)
              .cache(cache)
              .build()) {
        retriever
            .toDirectory(
                DownloadRequest.prefix(args[4], args[5]), Path.of(args[6], "round-" + round))
            .await();
      }
    }
  }
}
