package io.retriever.examples;

import io.retriever.hook.DownloadedObject;
import io.retriever.hook.PostDownloadHook;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A post-download hook: decompresses each downloaded {@code .gz} file beside itself and removes the
 * compressed one. Runs on the finisher threads while further downloads go on; a corrupt file
 * throws, which fails that object (and removes it) while the others complete.
 */
public final class GunzipAfterDownload implements PostDownloadHook {
  @Override
  public void afterDownload(DownloadedObject object) throws Exception {
    Path file = object.file();
    if (file == null || !file.getFileName().toString().endsWith(".gz")) {
      return;
    }
    String name = file.getFileName().toString();
    Path plain = file.resolveSibling(name.substring(0, name.length() - 3));
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file));
        OutputStream out = Files.newOutputStream(plain)) {
      in.transferTo(out);
    }
    Files.delete(file);
  }
}
