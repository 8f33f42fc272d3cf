package io.retriever.dist;

import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.Retriever;
import java.net.URI;
import java.nio.file.Path;

/**
 * A program that uses the library as the README shows it: a store on this machine, a prefix into a
 * directory. {@link LibraryLoggingIT} runs it in a JVM of its own.
 *
 * <p>Arguments: endpoint, access key id, secret access key, bucket, prefix, directory.
 */
public final class LibraryProgram {
  private LibraryProgram() {}

  public static void main(String[] args) throws Exception {
    try (Retriever retriever =
        Retriever.builder()
            .endpoint(URI.create(args[0]))
            .pathStyle(true)
            .region("us-east-1")
            .credentials(args[1], args[2])
            .build()) {
      DownloadSummary summary =
          retriever.toDirectory(DownloadRequest.prefix(args[3], args[4]), Path.of(args[5])).await();
      System.out.println(summary.objects() + " objects");
    }
  }
}
