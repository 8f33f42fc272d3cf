package io.retriever.examples;

import io.retriever.DownloadRequest;
import io.retriever.ObjectInfo;
import io.retriever.hook.ObjectLister;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A lister: takes the objects from a CSV manifest ({@code key,size,etag} per line, as an S3
 * Inventory report lists them) instead of listing the bucket. The request's filter still applies.
 */
public final class CsvManifestLister implements ObjectLister {
  private final Path manifest;

  public CsvManifestLister(Path manifest) {
    this.manifest = manifest;
  }

  @Override
  public void list(DownloadRequest request, Listing out) throws Exception {
    try (BufferedReader lines = Files.newBufferedReader(manifest)) {
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        String[] field = line.split(",", 3);
        out.add(
            new ObjectInfo(request.bucket(), field[0], Long.parseLong(field[1]), field[2], null));
      }
    }
  }
}
