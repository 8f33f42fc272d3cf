package io.retriever.spark.internal;

import io.retriever.DownloadRequest;
import io.retriever.DownloadedFile;
import io.retriever.FileDownload;
import io.retriever.FileOptions;
import io.retriever.IncompleteDownloadException;
import io.retriever.ObjectInfo;
import io.retriever.event.ObjectFailed;
import io.retriever.spark.ObjectOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Downloads one work unit into the destination with the executor's shared {@code Retriever}, and
 * accounts for each of its objects: downloaded, already up to date, or failed with its error.
 *
 * <p>Spark may run a unit more than once (a retried or speculative task). That is harmless: the
 * core writes each object to a temporary file and renames it into place when it is complete and
 * checked, and skips a file that already holds the listed version.
 *
 * <p>Concurrency: one task's thread; many units run at once on one executor's retriever.
 */
final class UnitDownloader {
  private final DownloadJob job;

  UnitDownloader(DownloadJob job) {
    this.job = job;
  }

  /**
   * Does the items of unit {@code unit}: returns one outcome per whole object, and what became of
   * each piece of a split one.
   */
  Iterator<Done> download(int unit, Iterator<WorkItem> items) throws InterruptedException {
    List<ObjectInfo> objects = new ArrayList<>();
    List<WorkItem> pieces = new ArrayList<>();
    items.forEachRemaining(
        i -> {
          if (i.isWhole()) {
            objects.add(i.object().toObjectInfo(job.bucket()));
          } else {
            pieces.add(i);
          }
        });
    List<Done> done = new ArrayList<>(objects.size() + pieces.size());
    if (objects.isEmpty() && pieces.isEmpty()) {
      return done.iterator();
    }
    ExecutorRetrievers.Shared shared = ExecutorRetrievers.get(job.options());
    for (WorkItem piece : pieces) {
      done.add(SplitObject.write(job, shared, unit, piece));
    }
    if (!objects.isEmpty()) {
      for (ObjectOutcome o : wholeObjects(unit, objects, shared)) {
        done.add(Done.of(o));
      }
    }
    return done.iterator();
  }

  /** Downloads whole objects with the executor's retriever; returns one outcome per object. */
  List<ObjectOutcome> wholeObjects(
      int unit, List<ObjectInfo> objects, ExecutorRetrievers.Shared shared) {
    Path destination = Path.of(job.destination());
    // A request of its own per unit: the unit lister tells units apart by the request's identity.
    DownloadRequest request = DownloadRequest.prefix(job.bucket(), job.prefix());
    Map<String, Path> done = new HashMap<>();
    Map<String, String> failed = new HashMap<>();
    shared.lister().register(request, objects);
    FileOptions options =
        FileOptions.defaults().withIterate(true).withOverwrite(job.options().overwrite());
    try (FileDownload download = shared.retriever().toDirectory(request, destination, options)) {
      for (DownloadedFile file : download) {
        done.put(file.object().key(), file.path());
        TaskProbe.fileDone(unit, done.size(), objects.size());
      }
    } catch (IncompleteDownloadException e) {
      for (ObjectFailed f : e.failures()) {
        failed.put(f.object().key(), f.error().getMessage());
      }
    } finally {
      shared.lister().unregister(request);
    }
    List<ObjectOutcome> outcomes = new ArrayList<>(objects.size());
    for (ObjectInfo o : objects) {
      outcomes.add(outcome(unit, o, destination, request.base(), done, failed));
    }
    return outcomes;
  }

  private static ObjectOutcome outcome(
      int unit,
      ObjectInfo o,
      Path destination,
      String base,
      Map<String, Path> done,
      Map<String, String> failed) {
    Path landed = done.get(o.key());
    if (landed != null) {
      return new ObjectOutcome(
          o.key(), o.size(), landed.toString(), ObjectOutcome.DOWNLOADED, null, unit);
    }
    Path path = destination.resolve(o.key().substring(base.length()));
    String error = failed.get(o.key());
    if (error != null) {
      return new ObjectOutcome(
          o.key(), o.size(), path.toString(), ObjectOutcome.FAILED, error, unit);
    }
    // Neither completed nor failed: the core skipped it as already this version. Check rather
    // than trust, so that an object can never vanish from the outcomes as a success.
    if (sizeOf(path) == o.size()) {
      return new ObjectOutcome(
          o.key(), o.size(), path.toString(), ObjectOutcome.UP_TO_DATE, null, unit);
    }
    return new ObjectOutcome(
        o.key(),
        o.size(),
        path.toString(),
        ObjectOutcome.FAILED,
        "the download neither wrote " + path + " nor found it complete",
        unit);
  }

  private static long sizeOf(Path path) {
    try {
      return Files.isRegularFile(path) ? Files.size(path) : -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
