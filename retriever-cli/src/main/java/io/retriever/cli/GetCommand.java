package io.retriever.cli;

import io.retriever.Download;
import io.retriever.DownloadRequest;
import io.retriever.DownloadSummary;
import io.retriever.FileDownload;
import io.retriever.FileOptions;
import io.retriever.IncompleteDownloadException;
import io.retriever.KeyFilter;
import io.retriever.ObjectDownload;
import io.retriever.Retriever;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.S3Uri;
import io.retriever.bench.profile.Sampler;
import io.retriever.event.ObjectFailed;
import io.retriever.hook.DownloadCache;
import io.retriever.options.Sizes;
import io.retriever.options.TransferOptions;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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
          + " ending in / is always a prefix.",
      "SOURCE may hold wildcards (quote it): s3://b/logs/2021-*/*.gz lists from logs/2021- and"
          + " keeps the keys matching the rest. * matches any characters, / included; ? one"
          + " character; [abc] one of a set.",
      "A rerun of an interrupted download skips the files already complete and continues"
          + " large objects from the chunks already written (--no-resume to start over)."
    })
final class GetCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SOURCE", description = "s3://bucket/key-or-prefix")
  String source;

  @Parameters(index = "1", paramLabel = "DEST", description = "A directory, a file, or -.")
  String destination;

  @Option(names = "--overwrite", description = "Replace files that already exist.")
  boolean overwrite;

  @Option(
      names = "--include",
      paramLabel = "GLOB",
      description =
          "Take only keys matching GLOB (relative to the prefix's last /) unless a later"
              + " --exclude matches them; repeatable.")
  List<String> includes = new ArrayList<>();

  @Option(
      names = "--exclude",
      paramLabel = "GLOB",
      description =
          "Leave out keys matching GLOB unless a later --include matches them; repeatable. Of"
              + " the rules matching a key, the last one given decides, as in the AWS CLI.")
  List<String> excludes = new ArrayList<>();

  @Option(
      names = "--fsync",
      description = "Force each file's bytes to disk before it is renamed into place.")
  boolean fsync;

  @Option(
      names = "--no-resume",
      description =
          "Start over: ignore files already complete and partial downloads left by an"
              + " interrupted run.")
  boolean noResume;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description =
          "Keep a copy of every object downloaded in DIR and serve objects already there"
              + " (same key, ETag and size) without a GET. Safe to share between processes.")
  Path cacheDir;

  @Option(
      names = "--cache-size",
      paramLabel = "SIZE",
      converter = Sizes.class,
      description =
          "The most the cache holds; least recently used objects go first (default: 10GiB).")
  long cacheSize = 10L << 30;

  @Spec CommandSpec spec;

  /** Set when a signal stopped the download: the signal's handler says so, nobody else. */
  static volatile boolean interrupted;

  @Mixin TransferOptions transfer;
  @Mixin S3Options s3;
  @Mixin OutputOptions output;
  @Mixin ProfileOptions profile;

  @Override
  public Integer call() throws IOException {
    S3Uri uri = UsageError.source(spec, source);
    boolean toStdout = "-".equals(destination);
    PrintStream report = toStdout ? System.err : System.out;
    Retriever.Builder builder = transfer.apply(s3.builder());
    if (output.showProgress()) {
      builder.addListener(new ProgressBar(System.err));
    }
    builder.addListener(new Notices(System.err, output.json, output.quiet));
    if (cacheDir != null) {
      builder.cache(DownloadCache.open(cacheDir, cacheSize));
    }
    try (Sampler sampler = profile.start(builder);
        Retriever retriever = transfer.build(builder)) {
      DownloadRequest request = resolve(retriever, uri);
      request = request.withFilter(filter(request.filter()));
      DownloadSummary summary;
      try {
        Path created = toStdout ? null : firstMissing(Path.of(destination));
        try {
          summary =
              toStdout ? toStdout(retriever, request) : toPath(retriever, request, destination);
          if (summary.objects() == 0 && summary.objectsSkipped() == 0 && request.isPrefix()) {
            throw nothingMatched(retriever, request);
          }
        } catch (StdoutClosed e) {
          // As tools end on SIGPIPE: quietly, with the status a shell shows for it.
          return ExitCode.BROKEN_PIPE;
        } catch (RuntimeException | IOException e) {
          removeEmptyDirectories(created);
          throw e;
        }
      } catch (IncompleteDownloadException e) {
        DownloadSummary done = e.summary();
        if (e.failures().size() == 1 && done.objects() == 0 && done.objectsSkipped() == 0) {
          throw e.failures().get(0).error();
        }
        for (ObjectFailed failed : e.failures()) {
          System.err.println("retriever: failed: " + Flags.translate(failed.error().getMessage()));
        }
        if (!output.quiet) {
          report.println(Report.human(done));
        }
        throw new RetrieverException(
            e.reason(),
            Report.failed(done, e.failures())
                + (keptBytes > 0
                    ? "; " + Sizes.format(keptBytes) + " of their bytes is kept for the rerun"
                    : ""));
      }
      if (output.json) {
        Map<String, Object> fields = Report.fields(summary);
        fields.put("source", uri.toString());
        fields.put("destination", destination);
        report.println(Report.json(fields));
      } else if (!output.quiet) {
        report.println(Report.human(summary));
      }
    }
    return ExitCode.OK;
  }

  /**
   * Decides whether {@code uri} names a key or a prefix: a key if such an object exists, else the
   * prefix {@code key/} if anything is under it.
   */
  private DownloadRequest resolve(Retriever retriever, S3Uri uri) {
    if (KeyFilter.hasWildcard(uri.key())) {
      return DownloadRequest.wildcard(uri);
    }
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
            + "; check the key"
            + Listings.whatIsThere(s3, uri.bucket(), Listings.folderOf(uri.key())));
  }

  /**
   * Returns the error for a download of a prefix or pattern that matched no object, with the
   * listing that shows what is there instead.
   */
  private RetrieverException nothingMatched(Retriever retriever, DownloadRequest request) {
    boolean filtered = !includes.isEmpty() || !excludes.isEmpty();
    boolean pattern = KeyFilter.hasWildcard(UsageError.source(spec, source).key());
    String what;
    if (pattern) {
      what = "no object matches " + source + (filtered ? " and the --include/--exclude rules" : "");
    } else if (filtered) {
      what =
          "no object under s3://"
              + request.bucket()
              + "/"
              + request.prefix()
              + " passes the --include/--exclude rules";
    } else {
      what = "no objects under s3://" + request.bucket() + "/" + request.prefix();
    }
    boolean anything =
        (pattern || filtered)
            && retriever.list(request.bucket(), request.prefix()).iterator().hasNext();
    return Listings.nothingMatched(what, s3, request, anything);
  }

  /**
   * Returns {@code filter} (the wildcard's, if any) with the rules --include and --exclude give, in
   * the order they were given (picocli keeps each option's values apart, so the order comes from
   * the command line itself).
   */
  private KeyFilter filter(KeyFilter filter) {
    if (includes.isEmpty() && excludes.isEmpty()) {
      return filter;
    }
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--")) {
        break;
      }
      for (String option : List.of("--include", "--exclude")) {
        String glob = null;
        if (arg.equals(option) && i + 1 < args.size()) {
          glob = args.get(++i);
        } else if (arg.startsWith(option + "=")) {
          glob = arg.substring(option.length() + 1);
        }
        if (glob != null) {
          filter = option.equals("--include") ? filter.include(glob) : filter.exclude(glob);
        }
      }
    }
    return filter;
  }

  private DownloadSummary toPath(Retriever retriever, DownloadRequest request, String dest) {
    Path path = Path.of(dest);
    FileOptions options =
        FileOptions.defaults()
            .withOverwrite(overwrite)
            .withResume(!noResume)
            .withKeepPartial(!noResume)
            .withFsync(fsync);
    FileDownload download;
    if (request.isPrefix()) {
      download = retriever.toDirectory(request, path, options);
    } else {
      String key = request.keys().get(0);
      if (dest.endsWith("/") || Files.isDirectory(path)) {
        path = path.resolve(key.substring(key.lastIndexOf('/') + 1));
      }
      download = retriever.toFile(request, path, options);
    }
    try {
      return awaitInterruptibly(download, !noResume);
    } catch (IncompleteDownloadException e) {
      keptBytes = download.keptBytes();
      throw e;
    } catch (RetrieverException e) {
      if (interrupted) {
        throw e;
      }
      throw new RetrieverException(e.reason(), e.getMessage() + kept(e, download.keptBytes()), e);
    }
  }

  /** Bytes the failed download kept for a rerun, for the summary of objects that failed. */
  private long keptBytes;

  /** Says what a failed download kept for a rerun, or that it freed the space, or nothing. */
  static String kept(RetrieverException failure, long bytes) {
    if (bytes > 0) {
      return "; "
          + Sizes.format(bytes)
          + " already fetched is kept: rerun the same command to"
          + " continue";
    }
    String message = String.valueOf(failure.getMessage());
    if (failure.reason() == Reason.LOCAL_IO
        && (message.contains("No space left")
            || message.contains("File too large")
            || message.contains("quota"))) {
      return "; temporary files were removed to give the space back";
    }
    return "";
  }

  /**
   * Waits for a download; on Ctrl-C (SIGINT) or a termination signal, cancels it before the process
   * exits (with 130 for SIGINT) and says so in one line. Files already complete stay, and so do the
   * temporary files of large objects with their journals (unless {@code --no-resume}), so a rerun
   * goes on from them.
   */
  private static DownloadSummary awaitInterruptibly(Download download, boolean resume) {
    Thread cleanUp =
        new Thread(
            () -> {
              interrupted = true;
              download.close();
              System.err.println(
                  resume
                      ? "interrupted; rerun the same command to continue"
                      : "interrupted; temporary files removed");
            },
            "retriever-interrupt");
    Runtime.getRuntime().addShutdownHook(cleanUp);
    try {
      return download.await();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(cleanUp);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it finishes the clean-up.
      }
    }
  }

  /**
   * Returns the outermost directory of {@code destination} that does not exist yet (the download
   * would create it), or null when the destination's directory exists.
   */
  private static Path firstMissing(Path destination) {
    Path missing = null;
    for (Path p = destination.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        break;
      }
      missing = p;
    }
    return missing;
  }

  /**
   * Removes the directories a failed download created under {@code created} (and it) if they hold
   * nothing: a failed run leaves no empty destination behind, but keeps what it left to resume.
   */
  private static void removeEmptyDirectories(Path created) {
    if (created == null || !Files.isDirectory(created, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(created)) {
      List<Path> deepestFirst =
          all.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
              .sorted(Comparator.reverseOrder())
              .toList();
      for (Path dir : deepestFirst) {
        try {
          Files.delete(dir);
        } catch (IOException notEmpty) {
          // It holds something: keep it.
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // Nothing more to tidy.
    }
  }

  private static DownloadSummary toStdout(Retriever retriever, DownloadRequest request)
      throws IOException {
    OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 20);
    try (ObjectDownload download = retriever.objects(request)) {
      byte[] buffer = new byte[256 * 1024];
      for (ObjectDownload.Item item : download) {
        try (InputStream in = item.stream()) {
          for (int n; (n = read(in, buffer)) >= 0; ) {
            write(out, buffer, n);
          }
        }
      }
      write(out, buffer, 0);
      return download.await();
    }
  }

  private static int read(InputStream in, byte[] buffer) {
    try {
      return in.read(buffer);
    } catch (IOException e) {
      if (e.getCause() instanceof RetrieverException r) {
        throw r;
      }
      throw new RetrieverException(Reason.SERVER, "download failed: " + e.getMessage(), e);
    }
  }

  /** Writes to stdout; a reader that went away ends the command as a closed pipe ends tools. */
  private static void write(OutputStream out, byte[] buffer, int n) {
    try {
      if (n > 0) {
        out.write(buffer, 0, n);
      } else {
        out.flush();
      }
    } catch (IOException e) {
      throw new StdoutClosed(e);
    }
  }

  /** The reader of stdout stopped reading (a closed pipe, as {@code | head} does). */
  static final class StdoutClosed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StdoutClosed(IOException cause) {
      super(cause);
    }
  }
}
