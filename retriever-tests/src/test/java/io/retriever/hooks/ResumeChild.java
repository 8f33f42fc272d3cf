package io.retriever.hooks;

import io.retriever.DownloadRequest;
import io.retriever.Retriever;
import java.net.URI;
import java.nio.file.Path;

/**
 * A download in a process of its own, for {@link ResumeTest} to kill. Arguments: endpoint, region,
 * access key, secret key, bucket, prefix, destination, bandwidth cap in bytes per second (0 for
 * none), and optionally the chunk size in bytes.
 */
public final class ResumeChild {
  private ResumeChild() {}

  public static void main(String[] args) {
    try (Retriever retriever =
        Retriever.builder()
            .endpoint(URI.create(args[0]))
            .region(args[1])
            .credentials(args[2], args[3])
            .pathStyle(true)
            .chunkSize(args.length > 8 ? Integer.parseInt(args[8]) : ResumeTest.CHUNK)
            .concurrency(4)
            .maxBandwidth(Long.parseLong(args[7]))
            .build()) {
      retriever.toDirectory(DownloadRequest.prefix(args[4], args[5]), Path.of(args[6])).await();
    }
  }
}
