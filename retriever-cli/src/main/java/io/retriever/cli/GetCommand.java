package io.retriever.cli;

import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.FileOptions;
import io.retriever.ObjectDownload;
import io.retriever.Retriever;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.S3Uri;
import io.retriever.bench.profile.Sampler;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code retriever get}: downloads a key or a prefix to a file, a directory or stdout. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Downloads an object or every object under a prefix.",
      "DEST is a directory (keys below the prefix are recreated under it), a file (one key),"
          + " or - (stdout, in key order, while it downloads). A key copied to an existing"
          + " directory, or to a DEST ending in /, lands there under its base name; a SOURCE"
          + " ending in / is always a prefix."
    })
final class GetCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SOURCE", description = "s3://bucket/key-or-prefix")
  String source;

  @Parameters(index = "1", paramLabel = "DEST", description = "A directory, a file, or -.")
  String destination;

  @Option(names = "--overwrite", description = "Replace files that already exist.")
  boolean overwrite;

  @Mixin TransferOptions transfer;
  @Mixin S3Options s3;
  @Mixin OutputOptions output;
  @Mixin ProfileOptions profile;

  @Override
  public Integer call() throws IOException {
    S3Uri uri = S3Uri.parse(source);
    boolean toStdout = "-".equals(destination);
    PrintStream report = toStdout ? System.err : System.out;
    Retriever.Builder builder = transfer.apply(s3.builder());
    if (output.showProgress()) {
      builder.addListener(new ProgressBar(System.err));
    }
    try (Sampler sampler = profile.start(builder);
        Retriever retriever = builder.build()) {
      DownloadRequest request = resolve(retriever, uri);
      DownloadSummary summary =
          toStdout ? toStdout(retriever, request) : toPath(retriever, request, destination);
      if (output.json) {
        Map<String, Object> fields = Report.fields(summary);
        fields.put("source", uri.toString());
        fields.put("destination", destination);
        report.println(Report.json(fields));
      } else if (!output.quiet) {
        if (summary.objects() == 0 && request.isPrefix()) {
          report.println("No objects under " + request + " (0 objects)");
        } else {
          report.println(Report.human(summary));
        }
      }
    }
    return ExitCode.OK;
  }

  /**
   * Decides whether {@code uri} names a key or a prefix: a key if such an object exists, else the
   * prefix {@code key/} if anything is under it.
   */
  static DownloadRequest resolve(Retriever retriever, S3Uri uri) {
    if (uri.isPrefix()) {
      return DownloadRequest.prefix(uri);
    }
    if (retriever.stat(uri.bucket(), uri.key()).isPresent()) {
      return DownloadRequest.key(uri.bucket(), uri.key());
    }
    String prefix = uri.key() + "/";
    if (retriever.list(uri.bucket(), prefix).iterator().hasNext()) {
      return DownloadRequest.prefix(uri.bucket(), prefix);
    }
    throw new RetrieverException(
        Reason.NOT_FOUND,
        "no object or prefix at "
            + uri
            + "; check the key (retriever ls s3://"
            + uri.bucket()
            + "/"
            + parent(uri.key())
            + " shows what is there)");
  }

  private static String parent(String key) {
    return key.substring(0, key.lastIndexOf('/') + 1);
  }

  private DownloadSummary toPath(Retriever retriever, DownloadRequest request, String dest) {
    Path path = Path.of(dest);
    FileOptions options = FileOptions.defaults().withOverwrite(overwrite);
    if (request.isPrefix()) {
      return retriever.toDirectory(request, path, options).await();
    }
    String key = request.keys().get(0);
    if (dest.endsWith("/") || Files.isDirectory(path)) {
      path = path.resolve(key.substring(key.lastIndexOf('/') + 1));
    }
    return retriever.toFile(request, path, options).await();
  }

  private static DownloadSummary toStdout(Retriever retriever, DownloadRequest request)
      throws IOException {
    OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 20);
    try (ObjectDownload download = retriever.objects(request)) {
      byte[] buffer = new byte[256 * 1024];
      for (ObjectDownload.Item item : download) {
        try (InputStream in = item.stream()) {
          for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
          }
        } catch (IOException e) {
          if (e.getCause() instanceof RetrieverException r) {
            throw r;
          }
          throw new RetrieverException(
              Reason.LOCAL_IO,
              "cannot write to stdout (" + e.getMessage() + "); the reader of the output stopped",
              e);
        }
      }
      out.flush();
      return download.await();
    }
  }
}
