package io.retriever.cli;

import io.retriever.DownloadRequest;
import io.retriever.KeyFilter;
import io.retriever.ObjectInfo;
import io.retriever.Retriever;
import io.retriever.S3Uri;
import io.retriever.options.Sizes;
import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code retriever ls}: lists the objects under a prefix. */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Lists every object whose key starts with the prefix: time (UTC), size in bytes, key.",
      "SOURCE may hold wildcards (quote it), as in get: s3://b/logs/2021-*/*.gz lists from"
          + " logs/2021- and keeps the keys matching the rest. A prefix or pattern that matches"
          + " nothing is an error (exit 1), as with aws s3 ls."
    })
final class LsCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  @Parameters(index = "0", paramLabel = "SOURCE", description = "s3://bucket/prefix, or a pattern")
  String source;

  @Option(names = "--json", description = "Print one JSON object per object.")
  boolean json;

  @Option(names = "--summarize", description = "End with the number and total size of objects.")
  boolean summarize;

  @Mixin S3Options s3;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    S3Uri uri = UsageError.source(spec, source);
    boolean pattern = KeyFilter.hasWildcard(uri.key());
    DownloadRequest request =
        pattern ? DownloadRequest.wildcard(uri) : DownloadRequest.prefix(uri.bucket(), uri.key());
    PrintStream out = System.out;
    long listed = 0;
    long count = 0;
    long bytes = 0;
    try (Retriever retriever = s3.builder().build()) {
      for (ObjectInfo o : retriever.list(request.bucket(), request.prefix())) {
        listed++;
        if (!request.accepts(o.key())) {
          continue;
        }
        count++;
        bytes += o.size();
        if (json) {
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("key", o.key());
          fields.put("size", o.size());
          fields.put(
              "last_modified", o.lastModified() == null ? null : o.lastModified().toString());
          fields.put("etag", o.eTag());
          out.println(Report.json(fields));
        } else {
          out.printf(
              Locale.ROOT,
              "%s %12d %s%n",
              o.lastModified() == null ? "-" : TIME.format(o.lastModified()),
              o.size(),
              o.key());
        }
      }
    }
    out.flush();
    if (count == 0) {
      throw Listings.nothingMatched(
          (pattern ? "no object matches " : "no objects under ") + uri, s3, request, listed > 0);
    }
    if (summarize) {
      out.printf(
          Locale.ROOT, "Total: %s, %s%n", Report.count(count, "object"), Sizes.format(bytes));
    }
    out.flush();
    return ExitCode.OK;
  }
}
